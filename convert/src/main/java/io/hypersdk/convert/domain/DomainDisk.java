package io.hypersdk.convert.domain;

/** A disk as the domain attaches it: the image path and its format, in boot order. */
public record DomainDisk(String path, String format) {}
