package io.trireme.store.server;

import io.trireme.store.StoreConfig;
import io.trireme.store.StoreServer;
import java.io.IOException;

/** Placeholder while the lead writes the member; replaced in the next commit. */
public final class RaftStoreServer {
  private RaftStoreServer() {}

  public static StoreServer start(StoreConfig config) throws IOException {
    throw new IOException("raft-store member not written yet");
  }
}
