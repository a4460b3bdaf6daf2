package io.causalloop.registry;

/**
 * A failure the registry reports to its client as Confluent does: an HTTP status and a body
 * {@code {"error_code": N, "message": "..."}}.
 */
public final class RegistryException extends RuntimeException {

  /** Subject not found (HTTP 404). */
  public static final int SUBJECT_NOT_FOUND = 40401;
  /** Version not found (HTTP 404). */
  public static final int VERSION_NOT_FOUND = 40402;
  /** Schema not found (HTTP 404). */
  public static final int SCHEMA_NOT_FOUND = 40403;
  /** Subject has no subject-level compatibility configured (HTTP 404). */
  public static final int SUBJECT_CONFIG_NOT_FOUND = 40408;
  /** Schema incompatible with earlier versions (HTTP 409). */
  public static final int INCOMPATIBLE_SCHEMA = 409;
  /** Invalid schema (HTTP 422). */
  public static final int INVALID_SCHEMA = 42201;
  /** Invalid version (HTTP 422). */
  public static final int INVALID_VERSION = 42202;
  /** Invalid compatibility level (HTTP 422). */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
  /** Error in the backend store, the {@code _schemas} topic (HTTP 500). */
  public static final int STORE_ERROR = 50001;

  private final int errorCode;
  private final int httpStatus;

  /** A failure with its Confluent error code and HTTP status. */
  public RegistryException(int errorCode, int httpStatus, String message) {
    super(message);
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
  }

  /** A failure with its Confluent error code, HTTP status and cause. */
  public RegistryException(int errorCode, int httpStatus, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
  }

  /** Confluent's {@code error_code}. */
  public int errorCode() {
    return errorCode;
  }

  /** The HTTP status. */
  public int httpStatus() {
    return httpStatus;
  }

  static RegistryException subjectNotFound(String subject) {
    return new RegistryException(SUBJECT_NOT_FOUND, 404, "Subject '" + subject + "' not found.");
  }

  static RegistryException versionNotFound(String subject, Object version) {
    return new RegistryException(VERSION_NOT_FOUND, 404,
        "Version " + version + " not found for subject '" + subject + "'.");
  }

  static RegistryException schemaNotFound(String what) {
    return new RegistryException(SCHEMA_NOT_FOUND, 404, "Schema " + what + " not found");
  }

  static RegistryException invalidSchema(String why) {
    return new RegistryException(INVALID_SCHEMA, 422, "Invalid schema: " + why);
  }

  static RegistryException storeError(String why, Throwable cause) {
    return new RegistryException(STORE_ERROR, 500, "Error in the backend data store: " + why, cause);
  }
}
