package io.hypersdk.jobs.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hypersdk.jobs.model.Job;
import io.hypersdk.jobs.model.JobDefinition;
import io.hypersdk.jobs.model.JobJson;
import io.hypersdk.jobs.model.JobProgress;
import io.hypersdk.jobs.model.JobResult;
import io.hypersdk.jobs.model.JobStatus;
import io.hypersdk.jobs.model.LogLine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every job and its log lines in one SQLite file, so the history survives restarts. One connection, used
 * under this object's lock: the daemon writes a few rows a second at most, and SQLite serialises writers
 * anyway. Definitions are stored as given to the API, which never includes a password.
 */
public final class JobStore implements AutoCloseable {
  /** The reason given to jobs found running when the daemon starts. */
  public static final String INTERRUPTED = "interrupted by daemon restart";

  private final Connection db;

  private JobStore(Connection db) {
    this.db = db;
  }

  /** Opens (creating when absent) the store in {@code file}. */
  public static JobStore open(Path file) throws StoreException {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=NORMAL");
        s.execute("PRAGMA busy_timeout=5000");
        s.execute("""
            CREATE TABLE IF NOT EXISTS jobs (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              id TEXT NOT NULL UNIQUE,
              definition TEXT NOT NULL,
              status TEXT NOT NULL,
              progress TEXT,
              result TEXT,
              error TEXT,
              created_at TEXT NOT NULL,
              started_at TEXT,
              completed_at TEXT,
              updated_at TEXT NOT NULL)""");
        s.execute("CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status)");
        s.execute("""
            CREATE TABLE IF NOT EXISTS job_logs (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              job_id TEXT NOT NULL,
              at TEXT NOT NULL,
              level TEXT NOT NULL,
              message TEXT NOT NULL)""");
        s.execute("CREATE INDEX IF NOT EXISTS job_logs_job ON job_logs(job_id, seq)");
      }
      return new JobStore(c);
    } catch (SQLException e) {
      throw new StoreException("cannot open the job store " + file + ": " + e.getMessage(), e);
    }
  }

  public static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** Stores a new pending job. */
  public synchronized Job insert(JobDefinition def) {
    String now = def.createdAt();
    JobProgress progress = JobProgress.phase("queued", 0);
    update("INSERT INTO jobs(id, definition, status, progress, created_at, updated_at) VALUES (?,?,?,?,?,?)",
        def.id(), toJson(def), JobStatus.PENDING.value(), toJson(progress), now, now);
    return new Job(def.id(), def, JobStatus.PENDING.value(), progress, null, null, now, null, null, now);
  }

  /** Pending → running; false when the job is no longer pending (cancelled meanwhile). */
  public synchronized boolean claim(String id) {
    String now = now();
    return update("UPDATE jobs SET status=?, started_at=?, updated_at=? WHERE id=? AND status=?",
        JobStatus.RUNNING.value(), now, now, id, JobStatus.PENDING.value()) == 1;
  }

  public synchronized void progress(String id, JobProgress progress) {
    update("UPDATE jobs SET progress=?, updated_at=? WHERE id=? AND status=?", toJson(progress), now(), id,
        JobStatus.RUNNING.value());
  }

  /** A running job ends; returns false when it was not running (already ended). */
  public synchronized boolean finish(String id, JobStatus status, JobProgress progress, JobResult result,
      String error) {
    String now = now();
    return update("UPDATE jobs SET status=?, progress=?, result=?, error=?, completed_at=?, updated_at=? "
        + "WHERE id=? AND status=?", status.value(), toJson(progress), result == null ? null : toJson(result), error,
        now, now, id, JobStatus.RUNNING.value()) == 1;
  }

  /** Pending → cancelled; false when the job was not pending. */
  public synchronized boolean cancelPending(String id, String reason) {
    String now = now();
    return update("UPDATE jobs SET status=?, error=?, completed_at=?, updated_at=? WHERE id=? AND status=?",
        JobStatus.CANCELLED.value(), reason, now, now, id, JobStatus.PENDING.value()) == 1;
  }

  /** Pending → failed, for a job that cannot run (its credentials were lost with a restart). */
  public synchronized boolean failPending(String id, String reason) {
    String now = now();
    return update("UPDATE jobs SET status=?, error=?, completed_at=?, updated_at=? WHERE id=? AND status=?",
        JobStatus.FAILED.value(), reason, now, now, id, JobStatus.PENDING.value()) == 1;
  }

  /**
   * At start-up: jobs still marked running were cut off by a crash or a stop, so they fail with
   * {@link #INTERRUPTED} rather than vanish; their log says so too. Returns their ids.
   */
  public synchronized List<String> failInterrupted() {
    List<String> ids = idsWithStatus(JobStatus.RUNNING);
    for (String id : ids) {
      String now = now();
      update("UPDATE jobs SET status=?, error=?, completed_at=?, updated_at=? WHERE id=? AND status=?",
          JobStatus.FAILED.value(), INTERRUPTED, now, now, id, JobStatus.RUNNING.value());
      appendLog(id, "ERROR", INTERRUPTED);
    }
    return ids;
  }

  /** Pending job ids, oldest first. */
  public synchronized List<String> pendingIds() {
    return idsWithStatus(JobStatus.PENDING);
  }

  private List<String> idsWithStatus(JobStatus status) {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement ps = db.prepareStatement("SELECT id FROM jobs WHERE status=? ORDER BY seq")) {
      ps.setString(1, status.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read jobs: " + e.getMessage(), e);
    }
    return ids;
  }

  public synchronized Optional<Job> get(String id) {
    List<Job> jobs = query("SELECT * FROM jobs WHERE id=?", id);
    return jobs.isEmpty() ? Optional.empty() : Optional.of(jobs.get(0));
  }

  /** Newest first; {@code status} null means every status. */
  public synchronized List<Job> list(JobStatus status, int limit) {
    return status == null ? query("SELECT * FROM jobs ORDER BY seq DESC LIMIT ?", limit)
        : query("SELECT * FROM jobs WHERE status=? ORDER BY seq DESC LIMIT ?", status.value(), limit);
  }

  public synchronized Map<JobStatus, Long> counts() {
    Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    for (JobStatus s : JobStatus.values()) {
      counts.put(s, 0L);
    }
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT status, COUNT(*) FROM jobs GROUP BY status")) {
      while (rs.next()) {
        JobStatus s = JobStatus.parse(rs.getString(1));
        if (s != null) {
          counts.put(s, rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot count jobs: " + e.getMessage(), e);
    }
    return counts;
  }

  public synchronized LogLine appendLog(String jobId, String level, String message) {
    String at = now();
    try (PreparedStatement ps = db.prepareStatement("INSERT INTO job_logs(job_id, at, level, message) VALUES (?,?,?,?)",
        Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, jobId);
      ps.setString(2, at);
      ps.setString(3, level);
      ps.setString(4, message);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        long seq = keys.next() ? keys.getLong(1) : 0;
        return new LogLine(seq, jobId, at, level, message);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot write the log of job " + jobId + ": " + e.getMessage(), e);
    }
  }

  public synchronized List<LogLine> logs(String jobId) {
    List<LogLine> lines = new ArrayList<>();
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT seq, job_id, at, level, message FROM job_logs WHERE job_id=? ORDER BY seq")) {
      ps.setString(1, jobId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          lines.add(new LogLine(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the log of job " + jobId + ": " + e.getMessage(), e);
    }
    return lines;
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close the job store: " + e.getMessage(), e);
    }
  }

  private List<Job> query(String sql, Object... args) {
    List<Job> jobs = new ArrayList<>();
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          jobs.add(new Job(rs.getString("id"), fromJson(rs.getString("definition"), JobDefinition.class),
              rs.getString("status"), fromJson(rs.getString("progress"), JobProgress.class),
              fromJson(rs.getString("result"), JobResult.class), rs.getString("error"), rs.getString("created_at"),
              rs.getString("started_at"), rs.getString("completed_at"), rs.getString("updated_at")));
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read jobs: " + e.getMessage(), e);
    }
    return jobs;
  }

  private int update(String sql, Object... args) {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot update the job store: " + e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement ps, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }

  private static String toJson(Object value) {
    try {
      return JobJson.json().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  private static <T> T fromJson(String json, Class<T> type) {
    if (json == null) {
      return null;
    }
    try {
      return JobJson.json().readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new StoreException("cannot decode a stored " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
