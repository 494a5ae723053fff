package org.partnergraph.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Embedded Neo4j Community with a Bolt connector on 127.0.0.1, for development and CI.
 *
 * <p>Usage: {@code java -cp ... org.partnergraph.neo4j.Server HOME_DIR PORT}. The password of user
 * {@code neo4j} is read from the environment variable {@code NEO4J_PASSWORD} (or the system
 * property {@code neo4j.password}), so it does not show in {@code ps}. Databases and Neo4j's own
 * logs live under HOME_DIR; log output goes to stdout. Once the password is set, the file
 * {@code HOME_DIR/ready} is written; a shutdown hook (SIGTERM) removes it and stops Neo4j cleanly.
 */
public final class Server {
  private Server() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) { // Neo4j's non-daemon threads would otherwise keep a failed JVM alive
      e.printStackTrace(System.out);
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: Server HOME_DIR PORT  (password in env NEO4J_PASSWORD)");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    String password = System.getProperty("neo4j.password", System.getenv("NEO4J_PASSWORD"));
    if (password == null || password.isEmpty()) {
      System.err.println("NEO4J_PASSWORD is not set");
      System.exit(2);
    }
    Path ready = home.resolve("ready");
    Files.createDirectories(home);
    Files.deleteIfExists(ready);

    Map<Setting<?>, Object> config = new HashMap<>();
    config.put(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"));
    config.put(BoltConnector.enabled, true);
    config.put(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port));
    config.put(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
    config.put(GraphDatabaseSettings.routing_enabled, false); // no second listener on :7688
    config.put(GraphDatabaseSettings.auth_enabled, true);
    config.put(GraphDatabaseSettings.auth_max_failed_attempts, 0); // wrong-password tests: no lockout
    config.put(GraphDatabaseSettings.auth_minimum_password_length, 1);
    config.put(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024);
    config.put(GraphDatabaseSettings.udc_enabled, false);
    // Small transaction logs (the default preallocates 256 MiB per database).
    config.put(GraphDatabaseSettings.preallocate_logical_logs, false);
    config.put(GraphDatabaseSettings.logical_log_rotation_threshold, 16L * 1024 * 1024);
    config.put(GraphDatabaseSettings.keep_logical_logs, "64M size");
    // Bolt waits 2 x 5 s for idle threads/connections on shutdown (after the checkpoint): shorten.
    config.put(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1));
    config.put(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1));
    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
        .setUserLogProvider(new Log4jLogProvider(System.out))
        .setConfig(config)
        .build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("partnergraph-neo4j: shutting down");
      ready.toFile().delete();
      dbms.shutdown();
      System.out.println("partnergraph-neo4j: stopped");
      stopped.countDown();
    }, "neo4j-shutdown"));

    try {
      dbms.database("system").executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
    } catch (QueryExecutionException e) { // on restart: "Old password and new password cannot be the same"
      if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
        throw e;
      }
    }
    Files.writeString(ready, ProcessHandle.current().pid() + "\n");
    System.out.println("partnergraph-neo4j: ready on bolt://127.0.0.1:" + port);
    stopped.await();
  }
}
