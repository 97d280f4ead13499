from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'demotion_warning_email.html.j2'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_subject = resolve('subject')
    l_0_product = resolve('product')
    l_0_tier = resolve('tier')
    l_0_partner_name = resolve('partner_name')
    l_0_as_of = resolve('as_of')
    l_0_score = resolve('score')
    l_0_runs_required = resolve('runs_required')
    l_0_pending_tier = resolve('pending_tier')
    l_0_font = missing
    pass
    l_0_font = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica Neue,Arial,sans-serif;'
    context.vars['font'] = l_0_font
    context.exported_vars.add('font')
    yield '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="color-scheme" content="light">\n<title>'
    yield escape((undefined(name='subject') if l_0_subject is missing else l_0_subject))
    yield '</title>\n</head>\n<body style="margin:0;padding:0;background-color:#eef1f5;">\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#eef1f5;">\n<tr>\n<td align="center" style="padding:24px 12px;">\n<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #dde3ea;border-radius:10px;border-collapse:separate;'
    yield escape((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'color:#1f2937;">\n<tr>\n<td style="background-color:#0f2942;border-radius:10px 10px 0 0;padding:18px 24px;">\n  <div style="'
    yield escape((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:12px;line-height:16px;letter-spacing:1.5px;text-transform:uppercase;color:#9fb6cc;">'
    yield escape((undefined(name='product') if l_0_product is missing else l_0_product))
    yield '</div>\n  <div style="'
    yield escape((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:20px;line-height:26px;font-weight:700;color:#ffffff;padding-top:4px;">Your '
    yield escape((undefined(name='tier') if l_0_tier is missing else l_0_tier))
    yield ' tier is at risk</div>\n</td>\n</tr>\n<tr>\n<td style="padding:22px 24px 24px;'
    yield escape((undefined(name='font') if l_0_font is missing else l_0_font))
    yield 'font-size:15px;line-height:22px;">\n  <p style="margin:0 0 12px;">Hello '
    yield escape((undefined(name='partner_name') if l_0_partner_name is missing else l_0_partner_name))
    yield ',</p>\n  <p style="margin:0 0 16px;">Your Partner Success Score as of '
    yield escape((undefined(name='as_of') if l_0_as_of is missing else l_0_as_of))
    yield ' is <strong>'
    yield escape(((undefined(name='score') if l_0_score is missing else l_0_score) or 'not available'))
    yield '</strong>, below what the <strong>'
    yield escape((undefined(name='tier') if l_0_tier is missing else l_0_tier))
    yield '</strong> tier needs.</p>\n  <p style="margin:0 0 16px;">If it stays below for <strong>'
    yield escape((undefined(name='runs_required') if l_0_runs_required is missing else l_0_runs_required))
    yield '</strong> consecutive daily scores, your tier will change from '
    yield escape((undefined(name='tier') if l_0_tier is missing else l_0_tier))
    yield ' to <strong>'
    yield escape((undefined(name='pending_tier') if l_0_pending_tier is missing else l_0_pending_tier))
    yield '</strong>. One good day stops the countdown.</p>\n  <p style="margin:0;color:#5b6776;font-size:13px;line-height:19px;">What helps most: ship every part by its due date, keep defects out, post status updates as you receive materials, start production and start inspection, and answer update requests within 24 hours. Your score page lists the jobs that cost you points.</p>\n</td>\n</tr>\n</table>\n</td>\n</tr>\n</table>\n</body>\n</html>\n'

blocks = {}
debug_info = '2=20&9=24&15=26&18=28&19=32&23=36&24=38&25=40&26=46'