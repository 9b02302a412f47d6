import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createI18n, I18nProvider, type Language } from '../../i18n/i18n.ts';
import { GalleryFilterBar } from './gallery-filter-bar.tsx';
import { galleryFilterFromSearch, type GalleryFilter } from './gallery-items.ts';

const inLanguage = (language: Language, ui: React.ReactNode) => render(<I18nProvider instance={createI18n(language)}>{ui}</I18nProvider>);

/** Opens an antd Select by its test id and picks the option with this text. */
function choose(testId: string, option: string): void {
  const combobox = within(screen.getByTestId(testId)).getByRole('combobox');
  fireEvent.mouseDown(combobox);
  // Dropdowns opened earlier stay in the DOM: look only in the one this combobox controls.
  const dropdown = document.getElementById(combobox.getAttribute('aria-controls')!)!.closest('.ant-select-dropdown') as HTMLElement;
  const options = within(dropdown).getAllByText(option).filter((el) => el.closest('.ant-select-item-option'));
  expect(options).toHaveLength(1);
  fireEvent.click(options[0]!);
}

describe('gallery filter', () => {
  it('reads sort and filters from the page URL, dropping values it does not know', () => {
    expect(galleryFilterFromSearch(new URLSearchParams(''))).toEqual({ sort: 'newest', profile: 'taobao-main' });
    expect(galleryFilterFromSearch(new URLSearchParams('sort=ctr&gate=fail&profile=amazon-main&review=none&job=abc')))
      .toEqual({ sort: 'ctr', gate: 'fail', profile: 'amazon-main', review: 'none', jobId: 'abc' });
    expect(galleryFilterFromSearch(new URLSearchParams('sort=prettiest&gate=maybe&review=1'))).toEqual({ sort: 'newest', profile: 'taobao-main' });
  });

  it('sets the sort, the gate verdict and the review filter, and "any" clears a filter', () => {
    const onChange = vi.fn<(f: GalleryFilter) => void>();
    const { rerender } = inLanguage('en', <GalleryFilterBar filter={{ sort: 'newest', profile: 'taobao-main' }} onChange={onChange} />);
    choose('gallery-sort', 'Best quality');
    expect(onChange).toHaveBeenLastCalledWith({ sort: 'quality', profile: 'taobao-main' });
    choose('gallery-gate', 'Failed');
    expect(onChange).toHaveBeenLastCalledWith({ sort: 'newest', profile: 'taobao-main', gate: 'fail' });
    choose('gallery-review', 'Not reviewed');
    expect(onChange).toHaveBeenLastCalledWith({ sort: 'newest', profile: 'taobao-main', review: 'none' });
    rerender(<I18nProvider instance={createI18n('en')}><GalleryFilterBar filter={{ sort: 'ctr', profile: 'taobao-main', gate: 'pass' }} onChange={onChange} /></I18nProvider>);
    choose('gallery-gate', 'Any');
    expect(onChange).toHaveBeenLastCalledWith({ sort: 'ctr', profile: 'taobao-main' });
  });

  it('speaks zh-CN and lets a job filter be removed', () => {
    const onChange = vi.fn<(f: GalleryFilter) => void>();
    inLanguage('zh-CN', <GalleryFilterBar filter={{ sort: 'quality', profile: 'taobao-main', jobId: '0190a000-0000-7000-8000-00000000abcd' }} onChange={onChange} />);
    expect(screen.getByText('质量分最高')).toBeTruthy();
    const job = screen.getByTestId('gallery-job-filter');
    expect(job.textContent).toContain('任务 …0000abcd');
    fireEvent.click(within(job).getByRole('button'));
    expect(onChange).toHaveBeenLastCalledWith({ sort: 'quality', profile: 'taobao-main' });
  });
});
