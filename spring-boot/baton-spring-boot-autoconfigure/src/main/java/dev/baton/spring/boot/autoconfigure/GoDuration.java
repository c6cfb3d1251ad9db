package dev.baton.spring.boot.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link java.time.Duration} property that {@link GoDurationConverter} binds: Go's duration
 * syntax on top of Spring's. Only marked properties are affected, so the converter changes nothing
 * for the application's other duration properties.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@interface GoDuration {
}
