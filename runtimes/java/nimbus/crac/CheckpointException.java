// SPDX-License-Identifier: Apache-2.0
package nimbus.crac;

/** A before-checkpoint notification failed; what the resources threw is attached as suppressed exceptions. */
public class CheckpointException extends Exception {
    private static final long serialVersionUID = 1L;

    public CheckpointException() {
        super();
    }

    public CheckpointException(String message) {
        super(message);
    }
}
