"""Operations and tooling beside the product: running the stack, training, evaluation, benchmark, review.

Nothing in the product (core, kb, actions, bot) imports from here.
"""
