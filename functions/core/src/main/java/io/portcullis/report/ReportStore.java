package io.portcullis.report;

import java.time.Duration;

/** Where report files go: {@code reports/<week>/<name>} in the private reports bucket, or a local folder. */
public interface ReportStore {

    /** Writes one file; returns where it is ({@code s3://bucket/reports/2026-W47/report.html}, or a path). */
    String put(String week, String name, String contentType, byte[] body);

    /** A link that lets someone without AWS access read the file for {@code validity}; null when there is none. */
    String link(String week, String name, Duration validity);
}
