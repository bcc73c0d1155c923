package io.portcullis.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.portcullis.change.OversizedItems;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The capped read of an oversized Config item: never more of the object than the cap allows, whatever its form. */
class S3OversizedItemsTest {

    static final String LOCATION = "config-bucket/AWSLogs/123456789012/Config/item.json";

    /** An endless object that counts what was read of it: proof the reader stops, not just that it refuses. */
    static final class Endless extends InputStream {
        long read;

        @Override
        public int read() {
            read++;
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            read += len;
            return len;
        }
    }

    @Test
    void anUncompressedItemWithinTheCapIsReadAsIs() throws Exception {
        byte[] item = "{\"configurationItem\":{}}".getBytes(StandardCharsets.UTF_8);

        assertThat(S3OversizedItems.readCapped(new java.io.ByteArrayInputStream(item), LOCATION, 1024)).isEqualTo(item);
    }

    @Test
    void anUncompressedItemOverTheCapIsRefusedAfterReadingOneByteMoreThanTheCap() {
        Endless object = new Endless();

        assertThatThrownBy(() -> S3OversizedItems.readCapped(object, LOCATION, 1024))
                .isInstanceOf(OversizedItems.TooLarge.class)
                .hasMessageContaining("s3://" + LOCATION).hasMessageContaining("more than 1024 bytes");
        assertThat(object.read).isLessThanOrEqualTo(1024 + 8192);
    }

    @Test
    void aCompressedItemIsGunzippedAndOneThatInflatesPastTheCapIsRefused() throws Exception {
        byte[] small = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] bomb = new byte[1 << 20];

        assertThat(S3OversizedItems.readCapped(new java.io.ByteArrayInputStream(gzip(small)), LOCATION, 1024))
                .isEqualTo(small);
        assertThatThrownBy(() -> S3OversizedItems.readCapped(new java.io.ByteArrayInputStream(gzip(bomb)), LOCATION,
                1024)).isInstanceOf(OversizedItems.TooLarge.class).hasMessageContaining("once decompressed");
    }

    @Test
    void anIncompressibleCompressedItemOverTheCapIsRefusedWithoutReadingItAll() throws Exception {
        byte[] noise = new byte[64 * 1024];
        new java.util.Random(14).nextBytes(noise);
        byte[] stored = gzip(noise);
        int[] read = {0};
        InputStream object = new java.io.FilterInputStream(new java.io.ByteArrayInputStream(stored)) {
            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                int n = super.read(b, off, len);
                read[0] += Math.max(n, 0);
                return n;
            }
        };

        assertThatThrownBy(() -> S3OversizedItems.readCapped(object, LOCATION, 1024))
                .isInstanceOf(OversizedItems.TooLarge.class).hasMessageContaining("s3://" + LOCATION);
        assertThat(read[0]).isLessThan(stored.length / 4);
    }

    static byte[] gzip(byte[] bytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }
}
