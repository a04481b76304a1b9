package io.hypersdk.apps.hypervisord.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Every error's body: the message, the field at fault when there is one, and the time. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorResponse(String error, String field, String timestamp) {}
