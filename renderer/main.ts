// Renderer entry: connect to main (Electron bridge or web server) and mount the app.
import { mount } from 'svelte';
import App from './App.svelte';
import { connectStudio } from './lib/api.ts';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

const connection = connectStudio(window);
mount(App, { target, props: { connection } });
