// SPDX-License-Identifier: Apache-2.0
package nimbus.crac;

/** An after-restore notification failed; what the resources threw is attached as suppressed exceptions. */
public class RestoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public RestoreException() {
        super();
    }

    public RestoreException(String message) {
        super(message);
    }
}
