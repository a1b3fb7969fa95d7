// SPDX-License-Identifier: MIT
/* strbuf.c: JSON string literals for the control socket's replies. */
#include <string.h>

#include "strbuf.h"
#include "unit_check.h"

/* `input` as a JSON string literal is exactly `want`. */
static void expect_json(const char *input, const char *want)
{
        struct strbuf sb = {0};

        strbuf_json_string(&sb, input);
        EXPECT_INT(0, sb.error);
        EXPECT_STR(want, sb.data);
        EXPECT_INT(strlen(want), sb.len);
        strbuf_free(&sb);
}

static void test_escaping(void)
{
        expect_json("", "\"\"");
        expect_json(NULL, "\"\"");
        expect_json("tp_exec", "\"tp_exec\"");
        expect_json("say \"hi\"", "\"say \\\"hi\\\"\"");
        expect_json("C:\\path\\", "\"C:\\\\path\\\\\"");
        expect_json("a\nb\tc\rd", "\"a\\u000ab\\u0009c\\u000dd\"");
        expect_json("\x01\x1f", "\"\\u0001\\u001f\"");
        /* the first byte that needs no escape, DEL, '/' and UTF-8 pass through */
        expect_json(" \x7f/", "\" \x7f/\"");
        expect_json("caf\xc3\xa9 \xe2\x82\xac", "\"caf\xc3\xa9 \xe2\x82\xac\"");
        /* invalid UTF-8 (a stray byte, a sequence cut short) becomes U+FFFD */
        expect_json("a\xff"
                    "b",
                    "\"a\xef\xbf\xbd"
                    "b\"");
        expect_json("\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
}

/* A string that outgrows the first allocation, appended after other text. */
static void test_growth(void)
{
        struct strbuf sb = {0};
        char long_text[1000], want[1100];

        memset(long_text, 'x', sizeof(long_text) - 1);
        long_text[sizeof(long_text) - 1] = '\0';
        long_text[500] = '"';
        strbuf_printf(&sb, "{\"reason\":");
        strbuf_json_string(&sb, long_text);
        strbuf_printf(&sb, "}");

        memset(want, 'x', sizeof(want));
        memcpy(want, "{\"reason\":\"", 11);
        memcpy(want + 11 + 500, "\\\"", 2);
        memcpy(want + 11 + 1000, "\"}", 3);
        EXPECT_INT(0, sb.error);
        EXPECT_STR(want, sb.data);
        EXPECT_INT(strlen(want), sb.len);
        EXPECT(sb.cap > sb.len);
        strbuf_free(&sb);
        EXPECT(sb.data == NULL);
        EXPECT_INT(0, sb.len);
}

int main(void)
{
        test_escaping();
        test_growth();
        return unit_finish();
}
