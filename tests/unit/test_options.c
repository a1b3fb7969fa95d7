// SPDX-License-Identifier: MIT
/* options.c: parsing each option type, defaults, and assigning by key. */
#include <errno.h>
#include <stdint.h>

#include "options.h"
#include "unit_check.h"

static const char *const colors[] = {"red", "green", "blue", NULL};

static const struct pk_option flag = {.key = "flag", .type = PK_OPT_BOOL, .help = "b"};
static const struct pk_option count = {
    .key = "count", .type = PK_OPT_INT, .min = -5, .max = 1LL << 31, .help = "i"};
static const struct pk_option any_int = {
    .key = "any", .type = PK_OPT_INT, .min = INT64_MIN, .max = INT64_MAX, .help = "i"};
static const struct pk_option label = {
    .key = "label", .type = PK_OPT_STRING, .max = 4, .help = "s"};
static const struct pk_option color = {
    .key = "color", .type = PK_OPT_ENUM, .choices = colors, .help = "e"};
static const struct pk_option names = {.key = "names", .type = PK_OPT_LIST, .max = 3, .help = "l"};

/* Parse into a fresh value; the value is left for the caller to inspect and clear. */
static int parse(const struct pk_option *decl, const char *text, struct option_value *value,
                 char *err, size_t err_len)
{
        *value = (struct option_value){0};
        err[0] = '\0';
        return option_parse(decl, text, value, err, err_len);
}

static void expect_bool(const char *text, bool want)
{
        struct option_value v;
        char err[256];

        EXPECT_INT(0, parse(&flag, text, &v, err, sizeof(err)));
        EXPECT(v.set);
        EXPECT_INT(want, v.b);
        option_value_clear(&v);
}

static void test_bool(void)
{
        const char *yes[] = {"true", "yes", "on", "1", "TRUE", "Yes", "oN"};
        const char *no[] = {"false", "no", "off", "0", "FALSE", "No", "OFF"};
        struct option_value v;
        char err[256];

        for (size_t i = 0; i < PK_COUNT(yes); i++)
                expect_bool(yes[i], true);
        for (size_t i = 0; i < PK_COUNT(no); i++)
                expect_bool(no[i], false);
        EXPECT_INT(-EINVAL, parse(&flag, "maybe", &v, err, sizeof(err)));
        EXPECT_HAS(err, "'maybe' is not a bool");
        EXPECT_HAS(err, "yes/no");
        EXPECT(!v.set);
        EXPECT_INT(-EINVAL, parse(&flag, "", &v, err, sizeof(err)));
}

static void expect_int(const struct pk_option *decl, const char *text, int64_t want)
{
        struct option_value v;
        char err[256];

        EXPECT_INT(0, parse(decl, text, &v, err, sizeof(err)));
        EXPECT(v.set);
        EXPECT_INT(want, v.i);
        EXPECT_STR("", err);
}

static void expect_int_refused(const struct pk_option *decl, const char *text, const char *why)
{
        struct option_value v;
        char err[256];

        EXPECT_INT(-EINVAL, parse(decl, text, &v, err, sizeof(err)));
        EXPECT_HAS(err, why);
        EXPECT(!v.set);
}

static void test_int(void)
{
        expect_int(&count, "42", 42);
        expect_int(&count, "-5", -5);
        expect_int(&count, "0x10", 16);
        expect_int(&count, "0XfF", 255);
        expect_int(&count, "4k", 4096);
        expect_int(&count, "4K", 4096);
        expect_int(&count, "3M", 3 << 20);
        expect_int(&count, "2G", 1LL << 31);
        expect_int(&count, "0x2K", 2048);
        expect_int(&count, "010", 10); /* decimal, not octal */
        expect_int(&count, "08", 8);
        expect_int(&any_int, "-1G", -(1LL << 30));
        expect_int(&any_int, "9223372036854775807", INT64_MAX);
        expect_int(&any_int, "-9223372036854775808", INT64_MIN);

        expect_int_refused(&count, "-6", "-6 is out of range [-5, 2147483648]");
        expect_int_refused(&count, "3G", "3221225472 is out of range [-5, 2147483648]");
        expect_int_refused(&count, "12abc", "'12abc' is not an integer");
        expect_int_refused(&count, "4KB", "'4KB' is not an integer");
        expect_int_refused(&count, "", "'' is not an integer");
        expect_int_refused(&count, "K", "'K' is not an integer");
        expect_int_refused(&any_int, "9223372036854775808", "is not an integer");
        expect_int_refused(&any_int, "8589934592G", "is not an integer");
        expect_int_refused(&any_int, "-8589934593G", "is not an integer");
}

static void test_string(void)
{
        struct option_value v;
        char err[256];

        EXPECT_INT(0, parse(&label, "abcd", &v, err, sizeof(err)));
        EXPECT_STR("abcd", v.s);
        option_value_clear(&v);
        EXPECT_INT(0, parse(&label, "", &v, err, sizeof(err)));
        EXPECT_STR("", v.s);
        EXPECT(v.set);
        option_value_clear(&v);
        EXPECT_INT(-EINVAL, parse(&label, "abcde", &v, err, sizeof(err)));
        EXPECT_STR("'abcde' is longer than 4 bytes", err);
        EXPECT(!v.s);
}

static void test_enum(void)
{
        struct option_value v;
        char err[256];

        EXPECT_INT(0, parse(&color, "blue", &v, err, sizeof(err)));
        EXPECT_INT(2, v.choice);
        EXPECT_STR("blue", v.s);
        option_value_clear(&v);
        EXPECT_INT(0, parse(&color, "red", &v, err, sizeof(err)));
        EXPECT_INT(0, v.choice);
        option_value_clear(&v);
        EXPECT_INT(-EINVAL, parse(&color, "Red", &v, err, sizeof(err)));
        EXPECT_STR("'Red' is not one of red|green|blue", err);
        EXPECT_INT(-EINVAL, parse(&color, "", &v, err, sizeof(err)));
        EXPECT(!v.set);
}

static void expect_list(const char *text, const char *const *want, size_t n)
{
        struct option_value v;
        char err[256];

        EXPECT_INT(0, parse(&names, text, &v, err, sizeof(err)));
        EXPECT(v.set);
        if (EXPECT_INT(n, v.n_items)) {
                for (size_t i = 0; i < n; i++)
                        EXPECT_STR(want[i], v.items[i]);
        }
        option_value_clear(&v);
}

static void test_list(void)
{
        const char *const abc[] = {"a", "bb", "ccc"};
        const char *const spaced[] = {"a b"};
        struct option_value v;
        char err[256];

        expect_list("a,bb,ccc", abc, 3);
        expect_list("  a ,\tbb,ccc  ", abc, 3);
        expect_list(" a b ", spaced, 1);
        expect_list("", NULL, 0);

        EXPECT_INT(-EINVAL, parse(&names, "a,,bb", &v, err, sizeof(err)));
        EXPECT_STR("empty item in list 'a,,bb'", err);
        EXPECT_INT(-EINVAL, parse(&names, ",a", &v, err, sizeof(err)));
        EXPECT_HAS(err, "empty item");
        EXPECT_INT(-EINVAL, parse(&names, "a,", &v, err, sizeof(err)));
        EXPECT_STR("empty item in list 'a,'", err);
        EXPECT_INT(-EINVAL, parse(&names, "a, ,b", &v, err, sizeof(err)));
        EXPECT_HAS(err, "empty item");
        EXPECT_INT(-EINVAL, parse(&names, "a,dddd", &v, err, sizeof(err)));
        EXPECT_STR("item 'dddd' is longer than 3 bytes", err);
        EXPECT(!v.set);
        EXPECT_INT(0, v.n_items);
}

/* A failed parse leaves the previous value as it was. */
static void test_failure_keeps_value(void)
{
        struct option_value v;
        char err[256];

        EXPECT_INT(0, parse(&label, "ok", &v, err, sizeof(err)));
        EXPECT_INT(-EINVAL, option_parse(&label, "too long", &v, err, sizeof(err)));
        EXPECT_STR("ok", v.s);
        EXPECT(v.set);
        EXPECT_INT(0, option_parse(&label, "new", &v, err, sizeof(err)));
        EXPECT_STR("new", v.s);
        option_value_clear(&v);
}

static void test_unknown_type(void)
{
        const struct pk_option odd = {.key = "odd", .type = (enum pk_option_type)99, .help = "?"};
        struct option_value v;
        char err[256];

        EXPECT_INT(-EINVAL, parse(&odd, "1", &v, err, sizeof(err)));
        EXPECT_HAS(err, "unknown type 99");
        EXPECT_STR("list", option_type_name(PK_OPT_LIST));
        EXPECT_STR("?", option_type_name((enum pk_option_type)99));
}

static const struct pk_option first_decls[] = {
    {.key = "flag", .type = PK_OPT_BOOL, .default_value = "yes", .help = "b"},
    {.key = "size",
     .type = PK_OPT_INT,
     .default_value = "64K",
     .min = 0,
     .max = 1 << 20,
     .help = "i"},
    {.key = "unset", .type = PK_OPT_STRING, .help = "s"},
};
static const struct pk_option second_decls[] = {
    {.key = "color", .type = PK_OPT_ENUM, .default_value = "green", .choices = colors, .help = "e"},
    {.key = "names", .type = PK_OPT_LIST, .default_value = "x, y", .help = "l"},
    /* a later array overrides a key of an earlier one */
    {.key = "flag", .type = PK_OPT_BOOL, .default_value = "off", .help = "b"},
};

static void test_set_defaults(void)
{
        const struct pk_option *arrays[] = {first_decls, second_decls};
        const size_t counts[] = {PK_COUNT(first_decls), PK_COUNT(second_decls)};
        struct option_set set;
        char err[256] = "";

        if (!EXPECT_INT(0, option_set_init(&set, arrays, counts, 2, err, sizeof(err))))
                return;
        EXPECT_INT(6, set.n);
        EXPECT_INT(64 * 1024, option_set_get(&set, "size")->i);
        EXPECT(!option_set_get(&set, "unset")->set);
        EXPECT_STR("green", option_set_get(&set, "color")->s);
        EXPECT_INT(1, option_set_get(&set, "color")->choice);
        EXPECT_INT(2, option_set_get(&set, "names")->n_items);
        EXPECT_STR("y", option_set_get(&set, "names")->items[1]);
        EXPECT_INT(5, option_set_find(&set, "flag"));
        EXPECT_INT(false, option_set_get(&set, "flag")->b);
        EXPECT_INT(true, set.values[0].b);
        EXPECT_INT(0, option_set_get(&set, "size")->line);
        EXPECT_INT(-1, option_set_find(&set, "nothing"));
        EXPECT(!option_set_get(&set, "nothing"));
        option_set_free(&set);
}

static void test_set_bad_default(void)
{
        static const struct pk_option bad[] = {
            {.key = "ok", .type = PK_OPT_BOOL, .default_value = "true", .help = "b"},
            {.key = "level",
             .type = PK_OPT_INT,
             .default_value = "11",
             .min = 0,
             .max = 10,
             .help = "i"},
        };
        const struct pk_option *arrays[] = {bad};
        const size_t counts[] = {PK_COUNT(bad)};
        struct option_set set;
        char err[256] = "";

        EXPECT_INT(-EINVAL, option_set_init(&set, arrays, counts, 1, err, sizeof(err)));
        EXPECT_STR("default of option 'level': 11 is out of range [0, 10]", err);
        EXPECT_INT(0, set.n);
}

static void test_set_assign(void)
{
        const struct pk_option *arrays[] = {first_decls};
        const size_t counts[] = {PK_COUNT(first_decls)};
        struct option_set set;
        char err[256] = "";

        if (!EXPECT_INT(0, option_set_init(&set, arrays, counts, 1, err, sizeof(err))))
                return;
        EXPECT_INT(0, option_set_assign(&set, "size", "0x100", 7, err, sizeof(err)));
        EXPECT_INT(256, option_set_get(&set, "size")->i);
        EXPECT_INT(7, option_set_get(&set, "size")->line);
        EXPECT_INT(-ENOENT, option_set_assign(&set, "nope", "1", 8, err, sizeof(err)));
        EXPECT_INT(-EINVAL, option_set_assign(&set, "size", "2M", 9, err, sizeof(err)));
        EXPECT_HAS(err, "2097152 is out of range [0, 1048576]");
        EXPECT_INT(256, option_set_get(&set, "size")->i);
        EXPECT_INT(7, option_set_get(&set, "size")->line);
        EXPECT_INT(0, option_set_assign(&set, "unset", "text", 10, err, sizeof(err)));
        EXPECT_STR("text", option_set_get(&set, "unset")->s);
        option_set_free(&set);
}

int main(void)
{
        test_bool();
        test_int();
        test_string();
        test_enum();
        test_list();
        test_failure_keeps_value();
        test_unknown_type();
        test_set_defaults();
        test_set_bad_default();
        test_set_assign();
        return unit_finish();
}
