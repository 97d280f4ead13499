from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'part_received_email.txt.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_partner_name = resolve('partner_name')
    l_0_job_id = resolve('job_id')
    l_0_received_on = resolve('received_on')
    l_0_parts_shipped = resolve('parts_shipped')
    l_0_due = resolve('due')
    l_0_product = resolve('product')
    pass
    yield 'Hello '
    yield escape((undefined(name='partner_name') if l_0_partner_name is missing else l_0_partner_name))
    yield ',\n\nThe parts of job '
    yield escape((undefined(name='job_id') if l_0_job_id is missing else l_0_job_id))
    yield ' were received and approved on '
    yield escape((undefined(name='received_on') if l_0_received_on is missing else l_0_received_on))
    yield '.\n'
    if (undefined(name='parts_shipped') if l_0_parts_shipped is missing else l_0_parts_shipped):
        pass
        yield 'Parts shipped: '
        yield escape((undefined(name='parts_shipped') if l_0_parts_shipped is missing else l_0_parts_shipped))
        yield '\n'
    if (undefined(name='due') if l_0_due is missing else l_0_due):
        pass
        yield 'Due date: '
        yield escape((undefined(name='due') if l_0_due is missing else l_0_due))
        yield '\n'
    yield '\nThank you. On-time, defect-free parts are what keep your Partner Success Score high.\n\n--\n'
    yield escape((undefined(name='product') if l_0_product is missing else l_0_product))
    yield '\n'

blocks = {}
debug_info = '1=18&3=20&4=24&5=27&7=29&8=32&14=35'