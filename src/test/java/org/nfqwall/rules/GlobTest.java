package org.nfqwall.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "/APP1*        | /APP1                | true",
        "/APP1*        | /APP1/x/y            | true",
        "/APP1*        | /APP10               | true",
        "/APP1*        | /app1                | false",
        "/APP1*        | /x/APP1              | false",
        "*             | /                    | true",
        "*             | ''                   | true",
        "*/admin       | /a/b/admin           | true",
        "*/admin       | /a/b/admin/          | false",
        "/a*b*c        | /aXbYc               | true",
        "/a*b*c        | /abc                 | true",
        "/a*b*c        | /aXbY                | false",
        "/a*b*c        | /a-b-c-b-c           | true",
        "/a?c          | /abc                 | true",
        "/a?c          | /ac                  | false",
        "/a?c          | /a/c                 | true",
        "/[abc]x       | /bx                  | true",
        "/[abc]x       | /dx                  | false",
        "/[a-z]        | /q                   | true",
        "/[a-z]        | /Q                   | false",
        "/[!x]         | /y                   | true",
        "/[!x]         | /x                   | false",
        "/[!a-c0-9]    | /d                   | true",
        "/[!a-c0-9]    | /5                   | false",
        "/[a-]         | /-                   | true",
        "/[\\]]        | /]                   | true",
        "/a\\*         | /a*                  | true",
        "/a\\*         | /ab                  | false",
        "/a\\?         | /a?                  | true",
        "/a\\[b        | /a[b                 | true",
        "/x/**/y       | /x/y                 | false",
        "/x/**/y       | /x//y                | true",
        "/x/**/y       | /x/a/b/y             | true",
        "/exact        | /exact               | true",
        "/exact        | /exact/              | false",
        "/exact        | /exac                | false",
        "/ü*           | /über                | true",
    })
    void matches(String glob, String path, boolean expected) throws BadValueException {
        assertEquals(expected, PathGlob.compile(glob).matches(path));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''         | must start with \"/\" or \"*\", expected a form like /app/*",
        "APP1*      | must start with \"/\" or \"*\", expected a form like /app/*",
        "?x         | must start with \"/\" or \"*\", expected a form like /app/*",
        "/a[b       | unclosed \"[\" at character 3, expected \"]\" to end the class",
        "/a[!       | unclosed \"[\" at character 3, expected \"]\" to end the class",
        "/a[]       | empty class \"[]\" at character 3, expected at least one character (write \\] for a literal ])",
        "/a[!]      | empty class \"[!]\" at character 3, expected at least one character (write \\] for a literal ])",
        "/a\\       | trailing \"\\\" at character 3, expected a character after it to take literally",
        "/a[b\\     | trailing \"\\\" at character 5, expected a character after it to take literally",
        "/a[z-a]    | reversed range \"z-a\" at character 4, expected the lower end first",
        "/a[09-1]   | reversed range \"9-1\" at character 5, expected the lower end first",
    })
    void rejects(String glob, String message) {
        BadValueException e = assertThrows(BadValueException.class, () -> PathGlob.compile(glob));
        assertEquals(message, e.getMessage());
    }

    @Test
    void manyStarsDoNotBacktrackExponentially() throws BadValueException {
        PathGlob glob = PathGlob.compile("/" + "*a".repeat(30) + "b");
        String path = "/" + "a".repeat(10_000);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(false, glob.matches(path)));
    }

    @Test
    void keepsTextAsWritten() throws BadValueException {
        assertEquals("/APP1*", PathGlob.compile("/APP1*").text());
    }
}
