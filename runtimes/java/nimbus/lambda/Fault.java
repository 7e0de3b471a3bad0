// SPDX-License-Identifier: Apache-2.0
package nimbus.lambda;

/** An error the runtime reports with a given errorType and message (AWS's UserFault): init failures, bad input. */
final class Fault extends Exception {
    private static final long serialVersionUID = 1L;
    final String errorType;

    Fault(String message, String errorType) {
        this(message, errorType, null);
    }

    Fault(String message, String errorType, Throwable cause) {
        super(message, cause, false, false);
        this.errorType = errorType;
    }
}
