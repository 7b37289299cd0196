package dev.daff.action.followup;

/** The vocabularies of follow-up actions. */
public final class ActionTypes {

    private ActionTypes() {
    }

    public enum Kind {
        MITIGATE, PREVENT, PROCESS, WASHUP
    }

    /** LOCAL fixes this service; SYSTEMIC stops the class of problem elsewhere too. */
    public enum Scope {
        LOCAL, SYSTEMIC
    }

    public enum Priority {
        P1, P2, P3, P4
    }

    public enum Status {
        OPEN, IN_PROGRESS, DONE, WONT_DO;

        public boolean isOpen() {
            return this == OPEN || this == IN_PROGRESS;
        }

        public boolean canMoveTo(Status next) {
            return switch (this) {
                case OPEN -> next != OPEN;
                case IN_PROGRESS -> next == DONE || next == WONT_DO;
                case DONE, WONT_DO -> false;
            };
        }
    }
}
