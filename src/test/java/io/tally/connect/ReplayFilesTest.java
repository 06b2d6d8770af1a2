package io.tally.connect;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayFilesTest {
    @Test
    void linesEndAtNewlinesWithOrWithoutACarriageReturnAndTheLastNeedsNone() throws IOException {
        assertThat(lines("{\"a\":1}\n{\"b\":2}\r\n\n  \n{\"c\":3}"))
                .containsExactly("{\"a\":1}", "{\"b\":2}", "", "  ", "{\"c\":3}");
        assertThat(lines("")).isEmpty();
        assertThat(lines("\n")).containsExactly("");
    }

    @Test
    void aLoneCarriageReturnDoesNotEndALine() throws IOException {
        assertThat(lines("{\"a\":1}\r{\"b\":2}\n")).containsExactly("{\"a\":1}\r{\"b\":2}");
    }

    @Test
    void aLineLongerThanTheBufferIsReadWhole() throws IOException {
        String longLine = "x".repeat(200_000);
        assertThat(lines(longLine + "\nshort\n" + longLine)).containsExactly(longLine, "short", longLine);
    }

    @Test
    void bytesThatAreNotUtf8ReachTheParserAsTheyAre() throws IOException {
        byte[] junk = {(byte) 0xBF, (byte) 0xC3, 0x28, '\n', '{', '}'};
        ReplayFiles.ByteLines lines = new ReplayFiles.ByteLines(new ByteArrayInputStream(junk));
        assertThat(lines.next()).containsExactly(0xBF, 0xC3, 0x28);
        assertThat(lines.next()).containsExactly('{', '}');
        assertThat(lines.next()).isNull();
    }

    @Test
    void onlySpacesTabsAndCarriageReturnsAreBlank() {
        assertThat(ReplayFiles.ByteLines.isBlank(new byte[0])).isTrue();
        assertThat(ReplayFiles.ByteLines.isBlank(" \t\r".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(ReplayFiles.ByteLines.isBlank("\f".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(ReplayFiles.ByteLines.isBlank(" {}".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    private static List<String> lines(String text) throws IOException {
        ReplayFiles.ByteLines lines = new ReplayFiles.ByteLines(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        List<String> out = new ArrayList<>();
        for (byte[] line = lines.next(); line != null; line = lines.next()) out.add(new String(line, StandardCharsets.UTF_8));
        return out;
    }
}
