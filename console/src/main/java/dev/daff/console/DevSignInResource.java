package dev.daff.console;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The local run's role picker: the development tokens by role, read from {@code daff.console.dev-tokens-file}. Without
 * that setting (production) it answers 404, and the page offers no picker.
 */
@Path("/dev/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class DevSignInResource {

    private final ConsoleConfig config;

    public DevSignInResource(ConsoleConfig config) {
        this.config = config;
    }

    @GET
    public Response tokens(@HeaderParam("Host") String host) throws IOException {
        if (config.devTokensFile().isEmpty() || !Files.isRegularFile(config.devTokensFile().get())) {
            return Problems.answer(404, "not-found", "No development sign-in",
                    "This console signs people in through the identity provider.");
        }
        // Asked for by this machine's name only: a web page whose own name was rebound to 127.0.0.1 reaches this
        // console as "same origin" and would read every role's token, admin included.
        if (host == null || !host.matches("(localhost|127\\.0\\.0\\.1|\\[::1\\])(:\\d{1,5})?")) {
            return Problems.answer(403, "forbidden", "Development sign-in is local",
                    "The development tokens are given to http://localhost or http://127.0.0.1 only.");
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String line : Files.readAllLines(config.devTokensFile().get())) {
            int separator = line.indexOf('=');
            if (!line.startsWith("#") && separator > 0) {
                tokens.put(line.substring(0, separator).strip(), line.substring(separator + 1).strip());
            }
        }
        return Response.ok(tokens).build();
    }
}
