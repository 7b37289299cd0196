package dev.daff.kit.json;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * Text a person must write, for people to read: {@code @NotBlank} that also takes spaces it does not know and
 * invisible characters for nothing ({@link UnicodeText#blank}). An action titled with one zero-width space was
 * listed, owned and reminded of, saying nothing.
 */
@Documented
@Constraint(validatedBy = Written.Validator.class)
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface Written {

    String message() default "must be written: not empty, nor only spaces or invisible characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Whether null passes: a partial update's absent field. Otherwise null is refused, as {@code @NotBlank} does. */
    boolean absentAllowed() default false;

    class Validator implements ConstraintValidator<Written, CharSequence> {

        private boolean absentAllowed;

        @Override
        public void initialize(Written written) {
            absentAllowed = written.absentAllowed();
        }

        @Override
        public boolean isValid(CharSequence text, ConstraintValidatorContext context) {
            return text == null ? absentAllowed : !UnicodeText.blank(text);
        }
    }
}
