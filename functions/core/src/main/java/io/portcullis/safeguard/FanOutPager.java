package io.portcullis.safeguard;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pages through every channel (the alert queue and Slack): a page that reaches on-call one way is not lost because
 * the other failed (that failure is logged). It fails only when no channel took the page.
 */
public final class FanOutPager implements Pager {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutPager.class);

    private final List<Pager> channels;

    public FanOutPager(List<Pager> channels) {
        this.channels = List.copyOf(channels);
    }

    @Override
    public void page(Page page) {
        List<RuntimeException> failures = new ArrayList<>();
        for (Pager channel : channels) {
            try {
                channel.page(page);
            } catch (RuntimeException e) {
                failures.add(e);
                LOG.error("A page ({}) could not go out through {}: {}", page.kind(), channel.getClass().getSimpleName(),
                        e.toString());
            }
        }
        if (!failures.isEmpty() && failures.size() == channels.size()) {
            RuntimeException all = new IllegalStateException("no channel took the page (" + page.kind() + "): "
                    + page.text());
            failures.forEach(all::addSuppressed);
            throw all;
        }
    }
}
