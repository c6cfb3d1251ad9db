package dev.baton.leaderelection.resourcelock.internal;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The one table of Baton's own lock types and the Maven artifacts that provide them, used to tell
 * a user which dependency to add when a built-in type is asked for but its module is missing.
 */
@API(status = API.Status.INTERNAL, since = "0.1.0")
public final class BuiltInLockTypes {

  /** The group of every Baton artifact. */
  public static final String GROUP_ID = "dev.baton";

  private static final Map<String, String> ARTIFACT_BY_TYPE = Map.of(
      "leases", "baton-lock-lease",
      "configmaps", "baton-lock-lease",
      "etcd", "baton-lock-etcd",
      "zookeeper", "baton-lock-zookeeper",
      "jdbc", "baton-lock-jdbc",
      "multi", "baton-lock-multi",
      "inmemory", "baton-lock-inmemory");

  private BuiltInLockTypes() {
  }

  /**
   * The Maven coordinates ({@code groupId:artifactId}) of the module that provides a built-in type.
   *
   * @param lockType a plain (not composite) lock type
   * @return the coordinates, or empty for a type Baton does not ship
   */
  public static Optional<String> artifactFor(String lockType) {
    return Optional.ofNullable(ARTIFACT_BY_TYPE.get(lockType)).map(a -> GROUP_ID + ":" + a);
  }

  /**
   * The names of Baton's own lock types.
   *
   * @return the names
   */
  public static Set<String> names() {
    return ARTIFACT_BY_TYPE.keySet();
  }
}
