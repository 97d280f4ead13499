from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'part_received_email.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_subject = resolve('subject')
    l_0_product = resolve('product')
    l_0_partner_name = resolve('partner_name')
    l_0_job_id = resolve('job_id')
    l_0_received_on = resolve('received_on')
    l_0_parts_shipped = resolve('parts_shipped')
    l_0_due = resolve('due')
    l_0_font = missing
    pass
    l_0_font = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica Neue,Arial,sans-serif;'
    context.vars['font'] = l_0_font
    context.exported_vars.add('font')
    yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="color-scheme" content="light">\n<title>'
    yield str((undefined(name='subject') if l_0_subject is missing else l_0_subject))
    yield '</title>\n</head>\n<body style="margin:0;padding:0;background-color:#eef1f5;">\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#eef1f5;">\n<tr>\n<td align="center" style="padding:24px 12px;">\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #dde3ea;border-radius:10px;border-collapse:separate;'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'color:#1f2937;">\n<tr>\n<td style="background-color:#0f2942;border-radius:10px 10px 0 0;padding:18px 24px;">\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:12px;line-height:16px;letter-spacing:1.5px;text-transform:uppercase;color:#9fb6cc;">'
    yield str((undefined(name='product') if l_0_product is missing else l_0_product))
    yield '</div>\n  <div style="'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:20px;line-height:26px;font-weight:700;color:#ffffff;padding-top:4px;">Parts received and approved</div>\n</td>\n</tr>\n<tr>\n<td style="padding:22px 24px 24px;'
    yield str((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:15px;line-height:22px;">\n  <p style="margin:0 0 12px;">Hello '
    yield str((undefined(name='partner_name') if l_0_partner_name is missing else l_0_partner_name))
    yield ',</p>\n  <p style="margin:0 0 16px;">The parts of job <strong>'
    yield str((undefined(name='job_id') if l_0_job_id is missing else l_0_job_id))
    yield '</strong> were received and approved on '
    yield str((undefined(name='received_on') if l_0_received_on is missing else l_0_received_on))
    yield '.</p>\n'
    if ((undefined(name='parts_shipped') if l_0_parts_shipped is missing else l_0_parts_shipped) or (undefined(name='due') if l_0_due is missing else l_0_due)):
        pass
        yield '  <table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;font-size:14px;line-height:20px;margin:0 0 16px;">\n'
        if (undefined(name='parts_shipped') if l_0_parts_shipped is missing else l_0_parts_shipped):
            pass
            yield '<tr><td style="padding:2px 16px 2px 0;color:#5b6776;">Parts shipped</td><td style="padding:2px 0;font-weight:600;">'
            yield str((undefined(name='parts_shipped') if l_0_parts_shipped is missing else l_0_parts_shipped))
            yield '</td></tr>'
        if (undefined(name='due') if l_0_due is missing else l_0_due):
            pass
            yield '<tr><td style="padding:2px 16px 2px 0;color:#5b6776;">Due date</td><td style="padding:2px 0;font-weight:600;">'
            yield str((undefined(name='due') if l_0_due is missing else l_0_due))
            yield '</td></tr>'
        yield '  </table>\n'
    yield '  <p style="margin:0;color:#5b6776;font-size:13px;line-height:19px;">Thank you. On-time, defect-free parts are what keep your Partner Success Score high.</p>\n</td>\n</tr>\n</table>\n</td>\n</tr>\n</table>\n</body>\n</html>\n'

blocks = {}
debug_info = '2=19&9=23&15=25&18=27&19=31&23=33&24=35&25=37&26=41&28=44&29=49'