package io.portcullis.template;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.local.LocalDeployment;
import io.portcullis.local.LocalRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each function's deployment package carries the AWS SDK modules of the services it calls, and no other: read from
 * the zip that template.yaml deploys, compared with the services the function's role lets it call.
 */
class PackagesTest {

    /** AWS SDK service modules (the rest of the SDK's jars are its shared core). */
    static final Set<String> SERVICES = Set.of("dynamodb", "ec2", "sqs", "s3", "s3control", "iam", "sfn",
            "secretsmanager", "cloudtrail", "ssm", "kms", "organizations", "sts");
    static final Pattern SDK_JAR = Pattern.compile("lib/([a-z0-9-]+)-\\d+\\.\\d+\\.\\d+\\.jar");

    final Path root = LocalRuntime.repositoryRoot();
    final JsonNode resources = LocalDeployment.readTemplate(root.resolve("template.yaml")).path("Resources");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"DetectorFunction, DetectorRole", "RemediatorFunction, RemediatorRole",
            "InteractionFunction, InteractionRole", "ReportFunction, ReportRole", "WatchdogFunction, WatchdogRole"})
    void aPackageCarriesExactlyTheSdkModulesOfTheServicesItsRoleCalls(String function, String role) throws IOException {
        Path zip = root.resolve(resources.path(function).path("Properties").path("CodeUri").asText());
        assertThat(zip).as("built by the reactor before this module").exists();
        Set<String> carried = new TreeSet<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            file.stream().forEach(e -> {
                Matcher m = SDK_JAR.matcher(e.getName());
                if (m.matches() && SERVICES.contains(m.group(1))) {
                    carried.add(m.group(1));
                }
            });
        }
        assertThat(carried).as(function + " (" + Files.size(zip) / 1024 + " KiB)").isEqualTo(calls(role));
    }

    /**
     * The SDK modules a role's permissions call for. Not calls: CloudWatch Logs (the runtime writes logs), the SQS
     * actions of an event-source mapping (Lambda polls), the failed-events destination (Lambda sends), and grants
     * for code not yet in the package (LeastPrivilegeTest.AHEAD_OF_CODE).
     */
    Set<String> calls(String role) {
        Set<String> out = new TreeSet<>();
        for (JsonNode s : TemplateTest.statements(resources.path(role))) {
            if (s.path("Sid").asText().equals("DeadLetterFailedEvents")) {
                continue;
            }
            for (String action : TemplateTest.strings(s.path("Action"))) {
                String service = action.substring(0, action.indexOf(':'));
                String name = action.substring(action.indexOf(':') + 1);
                String module = switch (service) {
                    case "logs" -> null;
                    // Signed over the SDK's core by OrganizationsApi: no service module of its own.
                    case "organizations" -> null;
                    case "sqs" -> name.equals("SendMessage") ? "sqs" : null;
                    case "states" -> "sfn";
                    case "s3" -> name.contains("AccountPublicAccessBlock") ? "s3control" : "s3";
                    default -> service;
                };
                if (module != null) {
                    out.add(module);
                }
            }
        }
        return out;
    }

    static String function(String role) {
        return role.replace("Role", "Function");
    }
}
