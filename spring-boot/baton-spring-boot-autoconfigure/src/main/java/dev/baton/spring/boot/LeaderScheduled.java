package dev.baton.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;
import org.springframework.core.annotation.AliasFor;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A {@link Scheduled @Scheduled} method that runs only on the leader: each run is skipped unless this
 * instance's term is valid right before it ({@link Leadership#runIfLeading}), and a term's end waits
 * for a run in progress before the lock is released. Needs {@code @EnableScheduling}, as
 * {@code @Scheduled} does; the attributes are {@code @Scheduled}'s.
 *
 * <pre>{@code
 * @LeaderScheduled(fixedRate = 5, timeUnit = TimeUnit.SECONDS)
 * void purgeExpiredSessions() { ... }
 * }</pre>
 *
 * <p>It is {@code @Scheduled(scheduler = LeaderScheduled.SCHEDULER)}: the tasks go to
 * {@link LeaderOnlyTaskScheduler}, which checks leadership and hands them on to the application's
 * scheduler. A plain {@code @Scheduled(..., scheduler = LeaderScheduled.SCHEDULER)} does the same.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Scheduled(scheduler = LeaderScheduled.SCHEDULER)
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public @interface LeaderScheduled {

  /** The name of the {@link LeaderOnlyTaskScheduler} bean, for {@code @Scheduled(scheduler = ...)}. */
  String SCHEDULER = "batonLeaderScheduler";

  /**
   * A cron expression, as {@link Scheduled#cron()}.
   *
   * @return the expression
   */
  @AliasFor(annotation = Scheduled.class)
  String cron() default "";

  /**
   * The time zone of {@link #cron()}, as {@link Scheduled#zone()}.
   *
   * @return the zone id
   */
  @AliasFor(annotation = Scheduled.class)
  String zone() default "";

  /**
   * The period between run starts, as {@link Scheduled#fixedRate()}.
   *
   * @return the period in {@link #timeUnit()}
   */
  @AliasFor(annotation = Scheduled.class)
  long fixedRate() default -1;

  /**
   * The period as a string, as {@link Scheduled#fixedRateString()}.
   *
   * @return the period
   */
  @AliasFor(annotation = Scheduled.class)
  String fixedRateString() default "";

  /**
   * The delay between a run's end and the next start, as {@link Scheduled#fixedDelay()}.
   *
   * @return the delay in {@link #timeUnit()}
   */
  @AliasFor(annotation = Scheduled.class)
  long fixedDelay() default -1;

  /**
   * The delay as a string, as {@link Scheduled#fixedDelayString()}.
   *
   * @return the delay
   */
  @AliasFor(annotation = Scheduled.class)
  String fixedDelayString() default "";

  /**
   * The delay before the first run, as {@link Scheduled#initialDelay()}.
   *
   * @return the delay in {@link #timeUnit()}
   */
  @AliasFor(annotation = Scheduled.class)
  long initialDelay() default -1;

  /**
   * The initial delay as a string, as {@link Scheduled#initialDelayString()}.
   *
   * @return the delay
   */
  @AliasFor(annotation = Scheduled.class)
  String initialDelayString() default "";

  /**
   * The unit of the numeric attributes, as {@link Scheduled#timeUnit()}.
   *
   * @return the unit
   */
  @AliasFor(annotation = Scheduled.class)
  TimeUnit timeUnit() default TimeUnit.MILLISECONDS;
}
