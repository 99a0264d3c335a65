# Schemathesis hooks of the contract test (contract.test.ts), which loads
# them through SCHEMATHESIS_HOOKS. Its requests write to the local D1 the
# example's other tests use too, so the keys a request gives its objects
# are kept small: AUTOINCREMENT goes on past the largest key a table ever
# held, and after one near 2^53 every key the database generates would be
# beyond what JSON carries exactly (the router refuses such a key, 400).
import schemathesis

# The largest key a request may give an object: ids, and foreign keys
# (...Id) alike, so that both sides of a reference stay equal.
LARGEST_KEY = 1_000_000


@schemathesis.hook
def before_call(context, case, **kwargs):
    case.body = small_keys(case.body)


def small_keys(value):
    """value, with every integer key (id, ...Id) above LARGEST_KEY brought under it, at any depth."""
    if isinstance(value, dict):
        return {name: small_key(v) if name == "id" or name.endswith("Id") else small_keys(v) for name, v in value.items()}
    if isinstance(value, list):
        return [small_keys(v) for v in value]
    return value


def small_key(value):
    # A float holding an integer (8978869.0) is an integer to the router too.
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > LARGEST_KEY and value == int(value):
        return int(value) % LARGEST_KEY
    return small_keys(value)
