import { translate, type Locale, type MessageKey, type Params } from './index';

/** The UI language as reactive state: components call `i18n.t(key)` and re-render on a switch. */
class I18n {
  locale = $state<Locale>('zh-CN');

  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);

  toggle(): Locale {
    this.locale = this.locale === 'zh-CN' ? 'en' : 'zh-CN';
    if (typeof document !== 'undefined') document.documentElement.lang = this.locale;
    return this.locale;
  }
}

export const i18n = new I18n();
