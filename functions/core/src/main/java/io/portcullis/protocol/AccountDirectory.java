package io.portcullis.protocol;

/**
 * Where the detector learns which accounts belong to the deployment, and their names, organizational units and
 * environments: AWS Organizations with {@code accounts.yaml} over it in an organisation deployment, the file alone
 * otherwise. Asked on every event, so an implementation caches.
 */
public interface AccountDirectory {

    /** The accounts known now. Never throws: an implementation that cannot refresh answers what it last knew. */
    Accounts current();

    /** Where the accounts come from, for people (it ends the reason an event from a stranger is refused). */
    String source();

    /** The same accounts always: the accounts file alone, or a test's. */
    static AccountDirectory fixed(Accounts accounts, String source) {
        return new AccountDirectory() {
            @Override
            public Accounts current() {
                return accounts;
            }

            @Override
            public String source() {
                return source;
            }
        };
    }
}
