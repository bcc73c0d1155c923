package io.portcullis.report;

import java.time.Duration;

/** Where report files go: {@code reports/<week>/<name>} in the private reports bucket, or a local folder. */
public interface ReportStore {

    /** Writes one file; returns where it is ({@code s3://bucket/reports/2026-W47/report.html}, or a path). */
    String put(String week, String name, String contentType, byte[] body);

    /**
     * Where to open the file: a link that lets someone without AWS access read it for at most {@code wanted} (less when
     * the credentials that sign it expire sooner, and {@link ReportLink#expiresAt} says when), and where people with
     * access always find it; null when there is neither.
     */
    ReportLink link(String week, String name, Duration wanted);
}
