package io.npflua.ffm.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a live test: it needs root (network namespaces, veth pairs, AF_PACKET). It runs when this process can create
 * a network namespace; otherwise it is skipped with the reason shown - except under {@code CI=true}, where it fails,
 * because CI must run every live test. Test methods may take a {@link VethLab} parameter: a fresh lab per test,
 * removed afterwards even when the test fails.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("live")
@ExtendWith({LiveTestCondition.class, VethLabExtension.class})
public @interface LiveTest {}
