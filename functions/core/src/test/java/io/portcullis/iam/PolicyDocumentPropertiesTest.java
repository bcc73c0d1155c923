package io.portcullis.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.testing.Cases;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties of policy-document judgement over generated statements ({@value #CASES} documents each). */
class PolicyDocumentPropertiesTest {

    static final int CASES = 1000;

    static final List<String> ACTIONS = List.of("*", "*:*", "iam:*", "iam:PassRole", "iam:Pass*", "s3:GetObject",
            "s3:*", "ec2:Describe*", "sts:AssumeRole", "kms:Decrypt", "iam:Get*", "iam:List*");
    static final Set<String> ADMIN = Set.of("*", "*:*", "iam:*", "iam:PassRole", "iam:Pass*");

    record Statement(boolean allow, List<String> actions, boolean anyResource) {
    }

    /**
     * Every one-statement, one-action document first (each action allowed and denied, on every resource and on one
     * bucket); then one to four statements of one to four actions each.
     */
    static Stream<Arguments> statements(TestInfo property) {
        List<Arguments> edges = new ArrayList<>();
        for (String action : ACTIONS) {
            for (boolean allow : List.of(true, false)) {
                for (boolean anyResource : List.of(true, false)) {
                    edges.add(Arguments.of(List.of(new Statement(allow, List.of(action), anyResource))));
                }
            }
        }
        return Cases.of(property, CASES, edges, r -> Arguments.of(Cases.listOf(r, 1, 4, () -> new Statement(
                r.nextBoolean(), Cases.listOf(r, 1, 4, () -> Cases.oneOf(r, ACTIONS)), r.nextBoolean()))));
    }

    static ObjectNode document(List<Statement> statements) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode doc = f.objectNode().put("Version", "2012-10-17");
        ArrayNode list = doc.putArray("Statement");
        for (Statement s : statements) {
            ObjectNode st = list.addObject().put("Effect", s.allow() ? "Allow" : "Deny");
            ArrayNode actions = st.putArray("Action");
            s.actions().forEach(actions::add);
            st.put("Resource", s.anyResource() ? "*" : "arn:aws:s3:::one-bucket/*");
        }
        return doc;
    }

    /** Admin-equivalent exactly when an Allow on every resource names an action that reaches iam:PassRole or more. */
    @Cases.Property
    @MethodSource("statements")
    void adminEquivalenceMatchesTheWildcardsThatReachIamPassRole(List<Statement> statements) {
        boolean expected = statements.stream().anyMatch(s -> s.allow() && s.anyResource()
                && s.actions().stream().anyMatch(ADMIN::contains));
        boolean judged = PolicyDocument.parse(document(statements)).orElseThrow().adminEquivalence().isPresent();
        assertThat(judged).isEqualTo(expected);
    }

    /** The same document read as an object, as a JSON string and URL-encoded gives the same verdict. */
    @Cases.Property
    @MethodSource("statements")
    void everyRecordedFormReadsTheSame(List<Statement> statements) throws Exception {
        ObjectNode doc = document(statements);
        String text = doc.toString();
        String encoded = java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
        var a = PolicyDocument.parse(doc).orElseThrow().adminEquivalence();
        var b = PolicyDocument.parse(JsonNodeFactory.instance.textNode(text)).orElseThrow().adminEquivalence();
        var c = PolicyDocument.parse(JsonNodeFactory.instance.textNode(encoded)).orElseThrow().adminEquivalence();
        assertThat(b).isEqualTo(a);
        assertThat(c).isEqualTo(a);
    }
}
