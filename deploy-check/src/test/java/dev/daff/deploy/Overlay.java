package dev.daff.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An overlay rendered once by kubectl kustomize and bound to typed models. */
record Overlay(Path dir, Kubectl.Render render, Binding.Result binding) {

    private static final Map<Path, Overlay> RENDERED = new ConcurrentHashMap<>();

    static Overlay of(Path dir) {
        return RENDERED.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> {
            Kubectl.Render render = Kubectl.kustomize(d);
            return new Overlay(d, render, render.ok() ? Binding.bind(render.stdout()) : null);
        });
    }

    static Overlay deploy(String name) {
        return of(Project.root().resolve("deploy/overlays").resolve(name));
    }

    /** deploy/base by itself, as an overlay sees it before changing it. */
    static Overlay base() {
        return of(Project.root().resolve("deploy/base"));
    }

    /** "base" or the name of an overlay under deploy/overlays. */
    static Overlay deployOrBase(String name) {
        return name.equals("base") ? base() : deploy(name);
    }

    static Overlay broken(String name) {
        return of(Project.root().resolve("deploy-check/src/test/resources").resolve(name));
    }

    /** The bound objects; fails the test if the overlay did not render. */
    List<HasMetadata> objects() {
        assertTrue(render.ok(), () -> "kubectl kustomize " + dir + " failed: " + render.stderr());
        return binding.objects();
    }
}
