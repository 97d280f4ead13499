from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'review_resolved_email.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_partner_name = resolve('partner_name')
    l_0_review_id = resolve('review_id')
    l_0_resolved_on = resolve('resolved_on')
    l_0_decision = resolve('decision')
    l_0_excluded_job_ids = resolve('excluded_job_ids')
    l_0_note = resolve('note')
    l_0_score_before = resolve('score_before')
    l_0_score_after = resolve('score_after')
    l_0_product = resolve('product')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    yield 'Hello '
    yield escape((undefined(name='partner_name') if l_0_partner_name is missing else l_0_partner_name))
    yield ',\n\nWe have finished reviewing your score (review '
    yield escape((undefined(name='review_id') if l_0_review_id is missing else l_0_review_id))
    yield ', decided '
    yield escape((undefined(name='resolved_on') if l_0_resolved_on is missing else l_0_resolved_on))
    yield ').\n\nDecision: '
    yield escape(('Adjusted' if ((undefined(name='decision') if l_0_decision is missing else l_0_decision) == 'adjusted') else 'Upheld'))
    yield '\n'
    if ((undefined(name='decision') if l_0_decision is missing else l_0_decision) == 'adjusted'):
        pass
        yield 'Jobs no longer counted: '
        yield escape(t_1(context.eval_ctx, (undefined(name='excluded_job_ids') if l_0_excluded_job_ids is missing else l_0_excluded_job_ids), ', '))
        yield '\n'
    else:
        pass
        yield 'Your score stands as it was.\n'
    if (undefined(name='note') if l_0_note is missing else l_0_note):
        pass
        yield '\nNote from our team:\n'
        yield escape((undefined(name='note') if l_0_note is missing else l_0_note))
        yield '\n'
    yield '\nScore before the review: '
    yield escape((undefined(name='score_before') if l_0_score_before is missing else l_0_score_before))
    yield '\nScore after the review:  '
    yield escape((undefined(name='score_after') if l_0_score_after is missing else l_0_score_after))
    yield "\n\nYour score page shows the jobs that count and the review's full history.\n\n--\n"
    yield escape((undefined(name='product') if l_0_product is missing else l_0_product))
    yield '\n'

blocks = {}
debug_info = '1=27&3=29&5=33&6=35&7=38&11=43&14=46&17=49&18=51&23=53'