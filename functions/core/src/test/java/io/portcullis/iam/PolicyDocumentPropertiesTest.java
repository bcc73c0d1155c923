package io.portcullis.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of policy-document judgement over generated statements. */
class PolicyDocumentPropertiesTest {

    static final List<String> ACTIONS = List.of("*", "*:*", "iam:*", "iam:PassRole", "iam:Pass*", "s3:GetObject",
            "s3:*", "ec2:Describe*", "sts:AssumeRole", "kms:Decrypt", "iam:Get*", "iam:List*");
    static final Set<String> ADMIN = Set.of("*", "*:*", "iam:*", "iam:PassRole", "iam:Pass*");

    record Statement(boolean allow, List<String> actions, boolean anyResource) {
    }

    @Provide
    Arbitrary<List<Statement>> statements() {
        return net.jqwik.api.Combinators.combine(Arbitraries.of(true, false),
                        Arbitraries.of(ACTIONS).list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(true, false))
                .as(Statement::new).list().ofMinSize(1).ofMaxSize(4);
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
    @Property
    void adminEquivalenceMatchesTheWildcardsThatReachIamPassRole(@ForAll("statements") List<Statement> statements) {
        boolean expected = statements.stream().anyMatch(s -> s.allow() && s.anyResource()
                && s.actions().stream().anyMatch(ADMIN::contains));
        boolean judged = PolicyDocument.parse(document(statements)).orElseThrow().adminEquivalence().isPresent();
        assertThat(judged).isEqualTo(expected);
    }

    /** The same document read as an object, as a JSON string and URL-encoded gives the same verdict. */
    @Property
    void everyRecordedFormReadsTheSame(@ForAll("statements") List<Statement> statements) throws Exception {
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
