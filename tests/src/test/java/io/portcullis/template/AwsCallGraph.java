package io.portcullis.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The AWS API calls a function's code can make, read from the bytecode of its deployment package (the zip
 * template.yaml deploys), and the IAM actions they need.
 *
 * <p>How: a call graph over Portcullis' own classes in the package, from the handler Lambda instantiates. A call on
 * one of our classes or interfaces reaches that method and every override of it in our classes (class hierarchy
 * analysis); a lambda or method reference reaches its body where it is created; a class that is instantiated has its
 * methods that a library can call back (those overriding a library type's, such as {@code RequestHandler} or
 * {@code Supplier}) reached too. Every reached method's calls on an AWS SDK service client (and on
 * {@code TransactWriteItem} builders, whose items each need their own action) are AWS calls. The graph over-approximates
 * (it does not follow values or branches), never under-approximates code that can run: nothing the function can call
 * is missed.
 */
final class AwsCallGraph {

    private static final String OURS = "io/portcullis/";
    private static final String SDK_SERVICES = "software/amazon/awssdk/services/";
    /**
     * AWS Organizations' client is Portcullis' own (signed over the SDK's core, the SDK's module being unavailable):
     * each of these methods is one call, the IAM action of its name.
     */
    private static final String ORGANIZATIONS_API = "io/portcullis/aws/OrganizationsApi";
    private static final Set<String> ORGANIZATIONS_CALLS = Set.of("listAccounts", "listParents",
            "describeOrganizationalUnit", "listTagsForResource");
    /** Client methods that make no API call. */
    private static final Set<String> NOT_CALLS = Set.of("builder", "create", "close", "serviceName",
            "serviceClientConfiguration", "utilities", "waiter", "toString", "hashCode", "equals", "getClass",
            "presigner", "batchManager");

    /**
     * Where the IAM action is not the SDK operation's name (AWS's Service Authorization Reference): S3's public
     * access block operations, reads of an object, presigned links, the list of buckets, the default encryption;
     * S3 Control's account-level block.
     */
    private static final Map<String, String> ACTION_OF = Map.ofEntries(
            Map.entry("s3:GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
            Map.entry("s3:PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
            Map.entry("s3:DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
            // The Service Authorization Reference: bucket default encryption is one "encryption configuration".
            Map.entry("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration"),
            Map.entry("s3:PutBucketEncryption", "s3:PutEncryptionConfiguration"),
            Map.entry("s3:DeleteBucketEncryption", "s3:PutEncryptionConfiguration"),
            Map.entry("s3:GetObjectAsBytes", "s3:GetObject"),
            Map.entry("s3:GetObjectAsInputStream", "s3:GetObject"),
            Map.entry("s3:HeadObject", "s3:GetObject"),
            Map.entry("s3:PresignGetObject", "s3:GetObject"),
            Map.entry("s3:PresignPutObject", "s3:PutObject"),
            Map.entry("s3:HeadBucket", "s3:ListBucket"),
            Map.entry("s3:ListBuckets", "s3:ListAllMyBuckets"),
            Map.entry("s3:ListObjectsV2", "s3:ListBucket"),
            Map.entry("s3control:GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"),
            Map.entry("s3control:PutPublicAccessBlock", "s3:PutAccountPublicAccessBlock"),
            Map.entry("s3control:DeletePublicAccessBlock", "s3:PutAccountPublicAccessBlock"),
            Map.entry("sqs:SendMessageBatch", "sqs:SendMessage"),
            Map.entry("sqs:DeleteMessageBatch", "sqs:DeleteMessage"));
    /**
     * IAM actions an operation needs besides its own (the "dependent actions" AWS documents for it): a flow log's
     * delivery role is passed to the flow-logs service (CloudWatch Logs destinations), its S3 or Firehose delivery is
     * created and deleted through CloudWatch Logs' log delivery, and tags given at creation need ec2:CreateTags.
     */
    private static final Map<String, List<String>> ALSO_NEEDS = Map.of(
            "ec2:CreateFlowLogs", List.of("iam:PassRole", "logs:CreateLogDelivery", "ec2:CreateTags"),
            "ec2:DeleteFlowLogs", List.of("logs:DeleteLogDelivery"));
    /** Operations IAM has no action for: they need the actions of what they contain (see TRANSACT_ITEM). */
    private static final Set<String> NO_ACTION_OF_ITS_OWN = Set.of("dynamodb:TransactWriteItems");
    /** The IAM action prefix of an SDK service package. */
    private static final Map<String, String> PREFIX = Map.of("sfn", "states", "s3control", "s3control");
    /** A transaction's items each need the action of their kind (DynamoDB's TransactWriteItems permissions). */
    private static final Map<String, String> TRANSACT_ITEM = Map.of("put", "dynamodb:PutItem",
            "delete", "dynamodb:DeleteItem", "update", "dynamodb:UpdateItem", "conditionCheck",
            "dynamodb:ConditionCheckItem");

    record Call(int opcode, String owner, String name, String desc) {
    }

    private static final class MethodInfo {
        final String owner;
        final String key;
        final int access;
        final List<Call> calls = new ArrayList<>();
        final Set<String> instantiated = new HashSet<>();
        final Set<String> touched = new HashSet<>();

        MethodInfo(String owner, String key, int access) {
            this.owner = owner;
            this.key = key;
            this.access = access;
        }
    }

    private static final class ClassInfo {
        String name;
        String superName;
        List<String> interfaces = List.of();
        final Map<String, MethodInfo> methods = new HashMap<>();
    }

    private final Map<String, ClassInfo> classes = new HashMap<>();
    private final Map<String, Set<String>> subtypes = new HashMap<>();
    /** IAM action → where the code calls it (class.method), for messages. */
    private final Map<String, Set<String>> actions = new TreeMap<>();
    private final Set<String> reached = new HashSet<>();
    private final Set<String> instantiatedClasses = new HashSet<>();
    private final Deque<MethodInfo> work = new ArrayDeque<>();

    /** The IAM actions the code of the function in {@code zip} can need, each with where it is called. */
    static Map<String, Set<String>> actions(Path zip, String handlerClass) {
        AwsCallGraph graph = new AwsCallGraph();
        graph.load(zip);
        graph.run(handlerClass.replace('.', '/'));
        return graph.actions;
    }

    private void load(Path zip) {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(file.entries())) {
                if (e.getName().startsWith(OURS) && e.getName().endsWith(".class")) {
                    try (InputStream in = file.getInputStream(e)) {
                        read(in.readAllBytes());
                    }
                } else if (e.getName().matches("lib/portcullis-[a-z-]+-[^/]*\\.jar")) {
                    try (JarInputStream jar = new JarInputStream(file.getInputStream(e))) {
                        for (var inner = jar.getNextJarEntry(); inner != null; inner = jar.getNextJarEntry()) {
                            if (inner.getName().startsWith(OURS) && inner.getName().endsWith(".class")) {
                                read(jar.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + zip, e);
        }
        for (ClassInfo c : classes.values()) {
            if (c.superName != null) {
                subtypes.computeIfAbsent(c.superName, k -> new HashSet<>()).add(c.name);
            }
            for (String i : c.interfaces) {
                subtypes.computeIfAbsent(i, k -> new HashSet<>()).add(c.name);
            }
        }
    }

    private void read(byte[] bytes) {
        ClassInfo info = new ClassInfo();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                info.name = name;
                info.superName = superName;
                info.interfaces = interfaces == null ? List.of() : List.of(interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodInfo m = new MethodInfo(info.name, name + descriptor, access);
                info.methods.put(m.key, m);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String mname, String mdesc, boolean itf) {
                        m.calls.add(new Call(opcode, owner, mname, mdesc));
                        m.touched.add(owner);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        if (opcode == Opcodes.NEW) {
                            m.instantiated.add(type);
                        }
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String fname, String fdesc) {
                        m.touched.add(owner);
                    }

                    @Override
                    public void visitInvokeDynamicInsn(String iname, String idesc, Handle bootstrap, Object... args) {
                        for (Object arg : args) {
                            if (arg instanceof Handle h) {
                                int opcode = switch (h.getTag()) {
                                    case Opcodes.H_INVOKESTATIC -> Opcodes.INVOKESTATIC;
                                    case Opcodes.H_INVOKEINTERFACE -> Opcodes.INVOKEINTERFACE;
                                    case Opcodes.H_INVOKESPECIAL, Opcodes.H_NEWINVOKESPECIAL -> Opcodes.INVOKESPECIAL;
                                    default -> Opcodes.INVOKEVIRTUAL;
                                };
                                m.calls.add(new Call(opcode, h.getOwner(), h.getName(), h.getDesc()));
                                if (h.getTag() == Opcodes.H_NEWINVOKESPECIAL) {
                                    m.instantiated.add(h.getOwner());
                                }
                            }
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        classes.put(info.name, info);
    }

    private void run(String handler) {
        if (!classes.containsKey(handler)) {
            throw new IllegalStateException("the package has no class " + handler);
        }
        instantiate(handler);
        reach(handler, "<init>()V");
        while (!work.isEmpty()) {
            MethodInfo m = work.pop();
            for (String type : m.touched) {
                reach(type, "<clinit>()V");
            }
            for (String type : m.instantiated) {
                instantiate(type);
            }
            for (Call call : m.calls) {
                follow(m, call);
            }
        }
    }

    private void follow(MethodInfo from, Call call) {
        if (call.owner().startsWith(SDK_SERVICES)) {
            sdkCall(from, call);
            return;
        }
        if (call.owner().equals(ORGANIZATIONS_API) && ORGANIZATIONS_CALLS.contains(call.name())) {
            String where = from.owner.substring(from.owner.lastIndexOf('/') + 1) + "."
                    + from.key.substring(0, from.key.indexOf('('));
            actions.computeIfAbsent("organizations:" + call.name().substring(0, 1).toUpperCase(Locale.ROOT)
                    + call.name().substring(1), k -> new TreeSet<>()).add(where);
        }
        if (!classes.containsKey(call.owner())) {
            return;
        }
        String key = call.name() + call.desc();
        if (call.opcode() == Opcodes.INVOKESTATIC || call.opcode() == Opcodes.INVOKESPECIAL) {
            reachResolved(call.owner(), key);
            return;
        }
        // Virtual or interface: the declaration it resolves to, and every override below the owner.
        reachResolved(call.owner(), key);
        for (String sub : allSubtypes(call.owner())) {
            reach(sub, key);
        }
    }

    private void sdkCall(MethodInfo from, Call call) {
        String where = from.owner.substring(from.owner.lastIndexOf('/') + 1) + "."
                + from.key.substring(0, from.key.indexOf('('));
        if (call.owner().equals(SDK_SERVICES + "dynamodb/model/TransactWriteItem$Builder")
                && TRANSACT_ITEM.containsKey(call.name())) {
            actions.computeIfAbsent(TRANSACT_ITEM.get(call.name()), k -> new TreeSet<>()).add(where);
            return;
        }
        String rest = call.owner().substring(SDK_SERVICES.length());
        String service = rest.substring(0, rest.indexOf('/'));
        String type = rest.substring(rest.lastIndexOf('/') + 1);
        boolean client = type.endsWith("Client") || type.equals("S3Presigner");
        if (!client || NOT_CALLS.contains(call.name())) {
            return;
        }
        Type[] args = Type.getArgumentTypes(call.desc());
        if (args.length == 0 || !(args[0].getClassName().endsWith("Request")
                || args[0].getClassName().equals("java.util.function.Consumer"))) {
            return;
        }
        String operation = call.name().endsWith("Paginator")
                ? call.name().substring(0, call.name().length() - "Paginator".length()) : call.name();
        String named = service + ":" + operation.substring(0, 1).toUpperCase(Locale.ROOT) + operation.substring(1);
        if (NO_ACTION_OF_ITS_OWN.contains(named)) {
            return;
        }
        String action = ACTION_OF.getOrDefault(named, PREFIX.getOrDefault(service, service) + named.substring(service.length()));
        actions.computeIfAbsent(action, k -> new TreeSet<>()).add(where);
        for (String also : ALSO_NEEDS.getOrDefault(action, List.of())) {
            actions.computeIfAbsent(also, k -> new TreeSet<>()).add(where + " (for " + action + ")");
        }
    }

    /** The method a call on {@code owner} resolves to: declared there or inherited from one of our supertypes. */
    private void reachResolved(String owner, String key) {
        for (String c = owner; c != null && classes.containsKey(c); c = classes.get(c).superName) {
            if (classes.get(c).methods.containsKey(key)) {
                reach(c, key);
                return;
            }
        }
        // A default method of one of our interfaces.
        for (String i : allSupertypes(owner)) {
            if (classes.containsKey(i) && classes.get(i).methods.containsKey(key)) {
                reach(i, key);
            }
        }
    }

    private void reach(String owner, String key) {
        ClassInfo c = classes.get(owner);
        if (c == null) {
            return;
        }
        MethodInfo m = c.methods.get(key);
        if (m != null && reached.add(owner + "." + key)) {
            work.push(m);
        }
    }

    /**
     * A new instance of one of our classes: the methods a library may call on it (overrides of a library type's
     * methods, such as a handler's {@code handleRequest} or a lambda target's {@code get}) are reached.
     */
    private void instantiate(String type) {
        if (!classes.containsKey(type) || !instantiatedClasses.add(type)) {
            return;
        }
        reach(type, "<clinit>()V");
        Set<String> callable = new HashSet<>();
        for (String s : allSupertypes(type)) {
            if (!classes.containsKey(s)) {
                callable.addAll(libraryMethods(s));
            }
        }
        for (String c = type; c != null && classes.containsKey(c); c = classes.get(c).superName) {
            for (MethodInfo m : classes.get(c).methods.values()) {
                if ((m.access & Opcodes.ACC_STATIC) == 0 && callable.contains(m.key)) {
                    reach(c, m.key);
                }
            }
        }
    }

    private final Map<String, Set<String>> libraryMethodCache = new HashMap<>();

    /** The name and descriptor of every method of a library type (from the test classpath, by reflection). */
    private Set<String> libraryMethods(String type) {
        return libraryMethodCache.computeIfAbsent(type, t -> {
            Set<String> out = new HashSet<>();
            try {
                Class<?> c = Class.forName(t.replace('/', '.'), false, AwsCallGraph.class.getClassLoader());
                for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                    for (var m : k.getDeclaredMethods()) {
                        out.add(m.getName() + Type.getMethodDescriptor(m));
                    }
                }
                for (var m : c.getMethods()) {
                    out.add(m.getName() + Type.getMethodDescriptor(m));
                }
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("the test classpath has no " + t + ", a supertype of a class in the"
                        + " package", e);
            }
            return out;
        });
    }

    private Set<String> allSubtypes(String type) {
        Set<String> out = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(type));
        while (!todo.isEmpty()) {
            for (String sub : subtypes.getOrDefault(todo.pop(), Set.of())) {
                if (out.add(sub)) {
                    todo.push(sub);
                }
            }
        }
        return out;
    }

    /** Every supertype (classes and interfaces, ours and libraries'), found through our classes and reflection. */
    private Set<String> allSupertypes(String type) {
        Set<String> out = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(type));
        while (!todo.isEmpty()) {
            String t = todo.pop();
            List<String> direct = new ArrayList<>();
            ClassInfo c = classes.get(t);
            if (c != null) {
                if (c.superName != null) {
                    direct.add(c.superName);
                }
                direct.addAll(c.interfaces);
            } else {
                try {
                    Class<?> k = Class.forName(t.replace('/', '.'), false, AwsCallGraph.class.getClassLoader());
                    if (k.getSuperclass() != null) {
                        direct.add(Type.getInternalName(k.getSuperclass()));
                    }
                    for (Class<?> i : k.getInterfaces()) {
                        direct.add(Type.getInternalName(i));
                    }
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new IllegalStateException("the test classpath has no " + t, e);
                }
            }
            for (String d : direct) {
                if (out.add(d)) {
                    todo.push(d);
                }
            }
        }
        return out;
    }
}
