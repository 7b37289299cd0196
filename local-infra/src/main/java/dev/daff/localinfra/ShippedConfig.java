package dev.daff.localinfra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.util.Map;

import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;

/**
 * A service's configuration as it ships (its {@code application.properties} in the prod profile) with some values
 * changed, mapped and validated the way Quarkus does before a service starts: so a test can hold a mapping's
 * constraints to what an operator could set, without starting a service per value.
 */
public final class ShippedConfig {

    /** Without expression language: the constraints' messages need only their parameters. */
    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private ShippedConfig() {
    }

    /** @throws io.smallrye.config.ConfigValidationException naming each property out of range, as a start would */
    public static <T> T mapping(Class<T> mapping, Map<String, String> changed) {
        URL shipped = ShippedConfig.class.getClassLoader().getResource("application.properties");
        try {
            return new SmallRyeConfigBuilder()
                    .withProfile("prod")
                    .withSources(new PropertiesConfigSource(shipped, 250))
                    .withSources(new PropertiesConfigSource(changed, "changed in the test", 400))
                    .withMapping(mapping)
                    .withValidator((BeanValidationConfigValidator) () -> VALIDATOR)
                    .build()
                    .getConfigMapping(mapping);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + shipped, e);
        }
    }

    /** Asserts that the value set alone stops the start, with one problem, named after the property. */
    public static void assertRefused(Class<?> mapping, String property, String value) {
        ConfigValidationException refused = assertThrows(ConfigValidationException.class,
                () -> mapping(mapping, Map.of(property, value)), property + "=" + value);
        assertEquals(1, refused.getProblemCount(), refused.getMessage());
        assertTrue(refused.getProblem(0).getMessage().startsWith(property + " "), refused.getMessage());
    }
}
