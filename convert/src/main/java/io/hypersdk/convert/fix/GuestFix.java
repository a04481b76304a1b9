package io.hypersdk.convert.fix;

import io.hypersdk.convert.ConversionException;

/** One change the fix stage makes to a mounted guest; records what it changed on the {@link Guest}. */
public interface GuestFix {
  void apply(Guest guest) throws ConversionException, InterruptedException;
}
