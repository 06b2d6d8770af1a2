package io.tally.generate;

/** Readable ids: {@code m-003}, {@code p-003-017}, {@code c-0042}, {@code u-012345}, {@code ct-0042-03}, ... */
final class Ids {
    private Ids() {}

    static String merchant(int index) {
        return String.format("m-%03d", index + 1);
    }

    static String product(int merchant, int index) {
        return String.format("p-%03d-%03d", merchant + 1, index + 1);
    }

    static String creator(int index) {
        return String.format("c-%04d", index + 1);
    }

    static String user(int index) {
        return String.format("u-%06d", index + 1);
    }

    static String content(int creator, int index) {
        return String.format("ct-%04d-%02d", creator + 1, index + 1);
    }

    /** The line ids of order {@code o-<n>} are {@code l-<n>-1}, {@code l-<n>-2}, ... */
    static String line(long order, int index) {
        return "l-" + order + "-" + (index + 1);
    }
}
