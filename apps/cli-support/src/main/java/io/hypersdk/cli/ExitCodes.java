package io.hypersdk.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The exit codes a command can end with; {@link Cli#withProjectErrors} lists them, with the table's meanings,
 * in the command's usage help and so in its man page.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ExitCodes {
  /** The codes, in the order they are listed. */
  ExitCode[] value();

  /**
   * What some of the codes mean for this command, as {@code "CODE:TEXT"} (e.g. {@code "3:not active"} for
   * {@code hyperctl daemon status}); the others are listed with the table's meaning.
   */
  String[] details() default {};
}
