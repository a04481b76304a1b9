package io.hypersdk.jobs.events;

import io.hypersdk.jobs.model.JobEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands every job event to the current listeners (the live event streams); nothing is kept. */
public final class JobEventBus {
  private static final Logger LOG = LoggerFactory.getLogger(JobEventBus.class);
  private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();

  /** Adds a listener; closing the returned handle removes it. */
  public AutoCloseable subscribe(Consumer<JobEvent> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  public void publish(JobEvent event) {
    for (Consumer<JobEvent> l : listeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        // A client that went away must not stop a job or the other clients.
        LOG.debug("event listener failed: {}", e.toString());
      }
    }
  }

  public int listenerCount() {
    return listeners.size();
  }
}
