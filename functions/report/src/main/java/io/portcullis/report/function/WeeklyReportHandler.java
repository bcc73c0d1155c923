package io.portcullis.report.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.portcullis.aws.AwsConnection;
import io.portcullis.aws.FunctionSettings;
import io.portcullis.report.PublishWeeklyReport;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lambda entry point of the weekly report, invoked by EventBridge Scheduler every Monday morning in the report's
 * time zone (template.yaml). It reports on the last complete week, or on {@code {"week": "2026-W47"}} when invoked
 * with one (to re-run a week). A bad week is refused with a message, not a stack trace.
 */
public final class WeeklyReportHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Logger LOG = LoggerFactory.getLogger(WeeklyReportHandler.class);
    private static final Pattern WEEK = Pattern.compile("\\d{4}-W\\d{2}");

    private final PublishWeeklyReport report;

    public WeeklyReportHandler() {
        this(ReportFunction.build(FunctionSettings.fromEnvironment(System.getenv()),
                AwsConnection.fromEnvironment(System.getenv()), Clock.systemUTC()));
    }

    public WeeklyReportHandler(PublishWeeklyReport report) {
        this.report = report;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        io.portcullis.logging.LogLines.forRequest(context == null ? null : context.getAwsRequestId());
        Object asked = input == null ? null : input.get("week");
        String week = asked instanceof String s && !s.isBlank() && !s.equals("last") ? s.trim() : report.lastWeek();
        Map<String, Object> answer = new LinkedHashMap<>();
        if (!WEEK.matcher(week).matches()) {
            LOG.warn("Refused report request: week '{}' is not an ISO week like 2026-W47", week);
            answer.put("outcome", "refused");
            answer.put("reason", "week '" + week + "' is not an ISO week like 2026-W47");
            return answer;
        }
        PublishWeeklyReport.Published published;
        try {
            published = report.publish(week);
        } catch (IllegalArgumentException e) {
            LOG.warn("Refused report request for {}: {}", week, e.getMessage());
            answer.put("outcome", "refused");
            answer.put("reason", e.getMessage());
            return answer;
        }
        int total = published.figures().weeks().get(published.figures().weeks().size() - 1).total();
        LOG.info("Report {} written: {} incidents; {}", week, total, published.html());
        answer.put("outcome", "published");
        answer.put("week", week);
        answer.put("incidents", total);
        answer.put("html", published.html());
        answer.put("csv", published.csv());
        answer.put("json", published.json());
        return answer;
    }
}
