package dev.baton.spring.boot;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import org.apiguardian.api.API;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanNameAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.scheduling.SchedulingAwareRunnable;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.TaskSchedulerRouter;

/**
 * The scheduler behind {@link LeaderScheduled @LeaderScheduled}: wraps each task so that a run
 * happens only through {@link Leadership#runIfLeading} (skipped unless this instance leads right
 * then; waited for at the end of the term), and hands the wrapped task to the application's
 * scheduler: the only other {@link TaskScheduler} bean, else the one named
 * {@value TaskSchedulerRouter#DEFAULT_TASK_SCHEDULER_BEAN_NAME} (Spring Boot's), else a
 * single-threaded scheduler of its own.
 *
 * <p>Registered as a bean named {@value LeaderScheduled#SCHEDULER} that is not a default candidate,
 * so it is found only by that name: it never becomes the scheduler of plain {@code @Scheduled}
 * methods, and Spring Boot still auto-configures its own.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public class LeaderOnlyTaskScheduler implements TaskScheduler, BeanFactoryAware, BeanNameAware, DisposableBean {

  private final Leadership leadership;
  private ListableBeanFactory beanFactory;
  private String beanName = LeaderScheduled.SCHEDULER;
  private TaskScheduler target;
  private ThreadPoolTaskScheduler ownScheduler;

  /**
   * @param leadership whose terms the tasks run in
   */
  public LeaderOnlyTaskScheduler(Leadership leadership) {
    this.leadership = Objects.requireNonNull(leadership, "leadership");
  }

  @Override
  public void setBeanFactory(BeanFactory factory) {
    this.beanFactory = factory instanceof ListableBeanFactory l ? l : null;
  }

  @Override
  public void setBeanName(String name) {
    this.beanName = name;
  }

  /** The scheduler the wrapped tasks run on, found at the first use. */
  synchronized TaskScheduler target() {
    if (target == null) {
      target = findTarget();
    }
    return target;
  }

  private TaskScheduler findTarget() {
    if (beanFactory != null) {
      List<String> others = new ArrayList<>();
      for (String name : beanFactory.getBeanNamesForType(TaskScheduler.class)) {
        if (!name.equals(beanName)) {
          others.add(name);
        }
      }
      if (others.size() == 1) {
        return beanFactory.getBean(others.get(0), TaskScheduler.class);
      }
      if (others.contains(TaskSchedulerRouter.DEFAULT_TASK_SCHEDULER_BEAN_NAME)) {
        return beanFactory.getBean(TaskSchedulerRouter.DEFAULT_TASK_SCHEDULER_BEAN_NAME, TaskScheduler.class);
      }
    }
    ownScheduler = new ThreadPoolTaskScheduler();
    ownScheduler.setThreadNamePrefix("baton-leader-scheduling-");
    ownScheduler.initialize();
    return ownScheduler;
  }

  /**
   * The task, run only through {@link Leadership#runIfLeading}.
   *
   * @param task a scheduled task
   * @return the wrapped task
   */
  Runnable leaderOnly(Runnable task) {
    return new LeaderOnlyTask(task, leadership);
  }

  @Override
  public Clock getClock() {
    return target().getClock();
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
    return target().schedule(leaderOnly(task), trigger);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
    return target().schedule(leaderOnly(task), startTime);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
    return target().scheduleAtFixedRate(leaderOnly(task), startTime, period);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
    return target().scheduleAtFixedRate(leaderOnly(task), period);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
    return target().scheduleWithFixedDelay(leaderOnly(task), startTime, delay);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
    return target().scheduleWithFixedDelay(leaderOnly(task), delay);
  }

  @Override
  public synchronized void destroy() {
    if (ownScheduler != null) {
      ownScheduler.shutdown();
    }
  }

  /** Keeps what the scheduler may ask of the task (qualifier, long-lived) visible through the wrapper. */
  private record LeaderOnlyTask(Runnable task, Leadership leadership) implements SchedulingAwareRunnable {
    @Override
    public void run() {
      leadership.runIfLeading(task);
    }

    @Override
    public boolean isLongLived() {
      return task instanceof SchedulingAwareRunnable s && s.isLongLived();
    }

    @Override
    public String getQualifier() {
      return task instanceof SchedulingAwareRunnable s ? s.getQualifier() : null;
    }

    @Override
    public String toString() {
      return "leader only: " + task;
    }
  }
}
