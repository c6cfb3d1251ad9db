package dev.baton.spring.boot.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A service that runs several instances, one of them leading: it publishes a report every few
 * seconds ({@link ReportJob}), drains a queue ({@link QueueDrainer}) and logs leadership changes
 * ({@link LeadershipLog}), all only on the leader. The election comes from the starter and
 * {@code application.properties}; nothing here sets it up.
 */
@SpringBootApplication
@EnableScheduling
public class SampleApplication {

  /**
   * Runs the sample.
   *
   * @param args Spring Boot arguments, such as {@code --server.port=8081 --baton.identity=two}
   */
  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
