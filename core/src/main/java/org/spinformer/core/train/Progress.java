package org.spinformer.core.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a long job. On a terminal ({@code System.console() != null}) a progress bar
 * ({@code me.tongfei:progressbar}) with rate and ETA; otherwise (CI, pipes, log files) one SLF4J INFO line at
 * most every {@code interval} with done/total, rate, ETA and the extra message.
 */
public final class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private final String task;
    private final long total;
    private final ProgressBar bar;
    private final long intervalNanos;
    private final long t0 = System.nanoTime();
    private long lastLog = t0;
    private long done;
    private String extra = "";

    private Progress(String task, long total, boolean terminal, Duration interval) {
        this.task = task;
        this.total = total;
        this.intervalNanos = interval.toNanos();
        this.bar = terminal
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                        .showSpeed().setUpdateIntervalMillis(250).continuousUpdate().build()
                : null;
    }

    /** A bar when stdout is a terminal, else log lines every 10 s. */
    public static Progress start(String task, long total) {
        return new Progress(task, total, System.console() != null, Duration.ofSeconds(10));
    }

    /** Explicit choice of mode and log interval (tests, or callers with their own rules). */
    public static Progress start(String task, long total, boolean terminal, Duration logInterval) {
        return new Progress(task, total, terminal, logInterval);
    }

    /** Whether this reports through a terminal bar. */
    public boolean isTerminal() {
        return bar != null;
    }

    /** Advances by n units. */
    public void step(long n) {
        done += n;
        if (bar != null) {
            bar.stepBy(n);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLog >= intervalNanos) {
            lastLog = now;
            LOG.info(line(now));
        }
    }

    /** A short message shown next to the bar (e.g. {@code loss=0.123}). */
    public void setMessage(String message) {
        extra = message == null ? "" : message;
        if (bar != null) {
            bar.setExtraMessage(extra);
        }
    }

    public long done() {
        return done;
    }

    /** The text of a log line: {@code task 120/1000 (12.0%) 35.2 it/s, ETA 25 s loss=…}. */
    String line(long now) {
        double sec = Math.max(1e-9, (now - t0) / 1e9);
        double rate = done / sec;
        String eta = rate > 0 && total > 0 ? formatSeconds((total - done) / rate) : "?";
        return String.format(Locale.ROOT, "%s %d/%d (%.1f%%) %.1f it/s, ETA %s%s", task, done, total,
                total > 0 ? 100.0 * done / total : 0.0, rate, eta, extra.isEmpty() ? "" : " " + extra);
    }

    static String formatSeconds(double s) {
        if (s < 90) {
            return String.format(Locale.ROOT, "%.0f s", s);
        }
        if (s < 5400) {
            return String.format(Locale.ROOT, "%.1f min", s / 60);
        }
        return String.format(Locale.ROOT, "%.1f h", s / 3600);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        } else {
            LOG.info(line(System.nanoTime()));
        }
    }
}
