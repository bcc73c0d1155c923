package io.portcullis.iam;

import java.util.Locale;

/** IAM's action wildcards: {@code *} any run of characters, {@code ?} one character; case-insensitive. */
public final class Wildcards {

    private Wildcards() {
    }

    /** Greedy matching with one backtrack point: linear in practice, never exponential on hostile input. */
    public static boolean matches(String pattern, String value) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String v = value.toLowerCase(Locale.ROOT);
        int i = 0;
        int j = 0;
        int star = -1;
        int mark = 0;
        while (j < v.length()) {
            if (i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == v.charAt(j))) {
                i++;
                j++;
            } else if (i < p.length() && p.charAt(i) == '*') {
                star = i++;
                mark = j;
            } else if (star >= 0) {
                i = star + 1;
                j = ++mark;
            } else {
                return false;
            }
        }
        while (i < p.length() && p.charAt(i) == '*') {
            i++;
        }
        return i == p.length();
    }
}
