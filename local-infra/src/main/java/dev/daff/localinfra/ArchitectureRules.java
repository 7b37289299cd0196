package dev.daff.localinfra;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering every service keeps, as ArchUnit rules each service's {@code ArchitectureTest} checks against its own
 * classes. Each rule's reason says what to move where, because the person who breaks one is usually someone new.
 */
public final class ArchitectureRules {

    /** Above this many lines a class in {@code src/main} is doing several jobs; split it. */
    public static final int MAX_CLASS_LINES = 250;

    private ArchitectureRules() {
    }

    /** The service's production classes (tests left out). */
    public static JavaClasses productionClasses(String rootPackage) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(rootPackage);
    }

    /** Feature packages ({@code dev.daff.slo.burn}, {@code dev.daff.slo.paging}, …) never depend on each other in a circle. */
    public static ArchRule featuresFreeOfCycles(String rootPackage) {
        return slices().matching(rootPackage + ".(*)..").namingSlices("feature $1").should().beFreeOfCycles()
                .because("a cycle between features means neither can change alone: move the shared type into the"
                        + " package that owns the fact, and let the other react to its domain event or read model");
    }

    /** Resources map HTTP to a service call and back; they neither open transactions nor touch storage. */
    public static ArchRule resourcesAreThin() {
        return noClasses().that().haveSimpleNameEndingWith("Resource")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta.transaction..", "jakarta.persistence..",
                        "io.quarkus.hibernate.orm..", "io.quarkus.narayana..")
                .orShould().dependOnClassesThat().areAssignableTo("io.quarkus.hibernate.orm.panache.PanacheRepositoryBase")
                .orShould().dependOnClassesThat().areAnnotatedWith("jakarta.persistence.Entity")
                .because("a *Resource maps the request to a call on a service and the answer to a record: move the"
                        + " transaction, the repository call and the entity mapping into the feature's service");
    }

    /** Kafka listeners live in consumer classes, where a reader looks for what arrives from outside. */
    public static ArchRule listenersInConsumers() {
        return methods().that().areAnnotatedWith("org.eclipse.microprofile.reactive.messaging.Incoming")
                .should().beDeclaredInClassesThat().haveSimpleNameEndingWith("Consumer")
                .because("an @Incoming method belongs in a class named *Consumer in the feature that owns the effect");
    }

    /**
     * Pure rules (the burn-rate maths, and every {@code *Rule}/{@code *Rules} class) need no framework, so a plain
     * JUnit test covers them in milliseconds.
     */
    public static ArchRule rulesArePure(String... purePackages) {
        return noClasses().that().haveSimpleNameEndingWith("Rule").or().haveSimpleNameEndingWith("Rules")
                .or().resideInAnyPackage(purePackages)
                .should().dependOnClassesThat().resideInAnyPackage("io.quarkus..", "jakarta..", "org.eclipse.microprofile..",
                        "io.smallrye..", "org.hibernate..", "io.vertx..", "org.apache.kafka..")
                .because("a rule is plain Java: keep injection, transactions and I/O in the service that calls it, and"
                        + " pass the rule the facts it needs");
    }

    /** Source files in {@code src/main/java} longer than {@link #MAX_CLASS_LINES}, as "path (lines)". */
    public static List<String> oversizedSources(Path moduleDirectory) {
        List<String> oversized = new ArrayList<>();
        try (Stream<Path> files = Files.walk(moduleDirectory.resolve("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                long lines = Files.readAllLines(file).size();
                if (lines > MAX_CLASS_LINES) {
                    oversized.add(moduleDirectory.relativize(file) + " (" + lines + " lines)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return oversized;
    }
}
