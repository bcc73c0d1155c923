package io.portcullis.cli;

import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.DynamoDbIncidentStore;
import io.portcullis.exception.Exceptions;
import io.portcullis.incident.IsoWeek;
import io.portcullis.json.Json;
import io.portcullis.local.FileReportStore;
import io.portcullis.notify.Notifier;
import io.portcullis.protocol.Protocol;
import io.portcullis.report.PublishWeeklyReport;
import io.portcullis.report.ReportFigures;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Comparator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code ./portcullis report}: the weekly report from an incidents table in the local emulator, written to a folder by
 * the same code the report function runs ({@link PublishWeeklyReport}).
 */
final class Report {

    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    /** The newest {@code portcullis-incidents-*} table in the emulator (the demo's), or null. */
    static String newestTable(DynamoDbClient dynamoDb) {
        return dynamoDb.listTablesPaginator(r -> { }).tableNames().stream()
                .filter(t -> t.startsWith("portcullis-incidents-"))
                .max(Comparator.comparing(t -> dynamoDb.describeTable(r -> r.tableName(t)).table().creationDateTime()))
                .orElse(null);
    }

    int run(AwsConnection aws, String table, String week, ZoneId zone, Path outDir, Notifier slack) {
        try (DynamoDbClient dynamoDb = aws.dynamoDb()) {
            String name = table != null ? table : newestTable(dynamoDb);
            if (name == null) {
                out.println("No incidents table in the emulator at " + aws.endpoint().map(Object::toString).orElse("?")
                        + ". Keep an emulator running (./portcullis emulator start), run ./portcullis demo, then"
                        + " ./portcullis report; or give --table.");
                return 1;
            }
            PublishWeeklyReport report = new PublishWeeklyReport(new DynamoDbIncidentStore(dynamoDb, name, Json.mapper()),
                    new FileReportStore(outDir), slack, Protocol.defaults().containWithin(),
                    Exceptions.defaults().declared(), zone, Clock.systemUTC());
            String chosen = week != null ? week : report.lastWeek();
            IsoWeek.monday(chosen);
            PublishWeeklyReport.Published published = report.publish(chosen);
            summary(published, name);
            return 0;
        }
    }

    void summary(PublishWeeklyReport.Published published, String source) {
        ReportFigures f = published.figures();
        ReportFigures.WeekCounts week = f.weeks().get(f.weeks().size() - 1);
        out.println("Weekly report " + f.week() + " (" + f.timeZone() + ", " + f.from() + " to " + f.to() + ") from "
                + source);
        out.println("   incidents " + week.total() + " · " + week.byPriority() + " · automatic "
                + f.outcomes().automatic() + ", approved " + f.outcomes().approved() + ", rejected "
                + f.outcomes().rejected() + ", timed out " + f.outcomes().timedOut() + " · breaches "
                + f.breaches().size() + " · still open " + f.stillOpen().size());
        out.println("   HTML " + published.html());
        out.println("   CSV  " + published.csv());
        out.println("   JSON " + published.json());
    }
}
