package io.trireme.node;

import io.trireme.node.cli.DownCommand;
import io.trireme.node.cli.LbCommand;
import io.trireme.node.cli.NodeCommand;
import io.trireme.node.cli.StatusCommand;
import io.trireme.node.cli.UpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code trireme} command: one jar, one subcommand per job. */
@Command(
    name = "trireme",
    mixinStandardHelpOptions = true,
    version = "trireme 0.1.0-SNAPSHOT",
    description = "A highly available Kubernetes control plane in one Java program.",
    subcommands = {
        UpCommand.class,
        DownCommand.class,
        NodeCommand.class,
        StatusCommand.class,
        LbCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    Logging.initDefaults();
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand");
  }
}
