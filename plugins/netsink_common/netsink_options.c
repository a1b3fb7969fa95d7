/* SPDX-License-Identifier: MIT */
#include "netsink_options.h"

#include <errno.h>

const char *netsink_opt_or_null(const struct pk_host *host, struct pk_instance *inst,
                                const char *key)
{
        return host->opt_is_set(inst, key) ? host->opt_string(inst, key) : NULL;
}

int netsink_opts_together(const struct pk_host *host, struct pk_instance *inst, const char *a,
                          const char *b)
{
        bool has_a = host->opt_is_set(inst, a);

        if (has_a == (bool)host->opt_is_set(inst, b))
                return 0;
        host->option_error(inst, has_a ? a : b, "%s and %s go together", a, b);
        return -EINVAL;
}

int netsink_opts_only_for(const struct pk_host *host, struct pk_instance *inst,
                          const char *const *keys, size_t n_keys, const char *when)
{
        int rc = 0;

        for (size_t i = 0; i < n_keys; i++) {
                if (!host->opt_is_set(inst, keys[i]))
                        continue;
                host->option_error(inst, keys[i], "%s is for %s only", keys[i], when);
                rc = -EINVAL;
        }
        return rc;
}

int netsink_tls_validate(const struct pk_host *host, struct pk_instance *inst)
{
        return netsink_opts_together(host, inst, "tls_cert", "tls_key");
}

void netsink_tls_read(struct netsink_tls_files *files, const struct pk_host *host,
                      struct pk_instance *inst)
{
        files->ca = netsink_opt_or_null(host, inst, "tls_ca");
        files->cert = netsink_opt_or_null(host, inst, "tls_cert");
        files->key = netsink_opt_or_null(host, inst, "tls_key");
}
