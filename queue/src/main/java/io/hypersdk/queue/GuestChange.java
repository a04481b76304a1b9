package io.hypersdk.queue;

/** One change the fix stage made inside a guest: the file (as the guest sees it) and what was done to it. */
public record GuestChange(String file, String change) {}
