package dev.baton.bench;

/**
 * The store's own client doing what a lock's {@code update} does, without Baton: one
 * compare-and-set write of a record-sized value against the version last written, waiting for the
 * answer. {@link StoreCeiling} drives it to find the store's write ceiling in this harness.
 * Each key is written by one thread only, so the versions need no synchronisation beyond the
 * thread that owns the key.
 */
interface RawStore extends AutoCloseable {

  /** A record-sized value, as a lock writes (about 190 bytes of client-go JSON). */
  byte[] VALUE = ("{\"holderIdentity\":\"bench-raw-candidate-0000\",\"leaseDurationSeconds\":15,"
      + "\"acquireTime\":\"2026-11-30T12:00:00.000000Z\",\"renewTime\":\"2026-11-30T12:00:00.000000Z\","
      + "\"leaderTransitions\":0}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

  /**
   * Creates {@code keys} records and remembers their versions (not measured).
   *
   * @param keys how many
   * @throws Exception when the store refuses
   */
  void prepare(int keys) throws Exception;

  /**
   * One compare-and-set write of record {@code key}, blocking until the store answers.
   *
   * @param key which record, below the number prepared
   * @throws Exception when the write fails or loses its compare-and-set
   */
  void write(int key) throws Exception;

  @Override
  void close() throws Exception;
}
