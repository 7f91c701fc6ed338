package io.trireme.store;

/** Manual smoke: starts an in-JVM cluster and prints its endpoints until killed. Not a test. */
public final class SmokeMain {
  public static void main(String[] args) throws Exception {
    InJvmCluster c = new InJvmCluster(3, 1000);
    c.awaitLeader();
    System.out.println("ENDPOINTS " + c.endpoints());
    Thread.sleep(Long.parseLong(args.length > 0 ? args[0] : "600000"));
    c.close();
  }
}
